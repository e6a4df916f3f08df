package dev.corral.operator;

import static java.util.Objects.requireNonNull;

import dev.corral.api.WellKnown;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.ControlPlaneMain;
import dev.corral.controlplane.http.ApiRoutes;
import dev.corral.operator.leader.LeaderElection;
import dev.corral.operator.status.PolicyStatusReconciler;
import dev.corral.operator.watch.KubernetesModelSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The in-cluster controller, assembled: {@link KubernetesModelSource} → {@link ControlPlane} (xDS
 * and the HTTP API, served by every replica), {@link LeaderElection} on a Lease, and the
 * {@link PolicyStatusReconciler} that writes status while this replica leads. {@link ControllerMain}
 * runs one; tests run two on one mock API server.
 */
public final class Controller implements AutoCloseable {
  /** {@code GET} route with the source's problems (objects it refuses) and the meshed pods. */
  public static final String PROBLEMS = ControlPlaneMain.PROBLEMS;
  /** {@code GET} route with the leader election's view. */
  public static final String LEADER = "/api/v1/leader";

  private final KubernetesModelSource source;
  private final ControlPlane controlPlane;
  private final LeaderElection election;
  private final PolicyStatusReconciler status;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Controller(Builder b) {
    this.source = KubernetesModelSource.create(b.client, b.sourceOptions);
    this.controlPlane = ControlPlane.builder(source)
        .address(b.address).xdsPort(b.xdsPort).httpPort(b.httpPort)
        .get(PROBLEMS, cp -> ApiRoutes.json(() -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("problems", source.problems());
          body.put("meshedPods", source.observed().meshedPods());
          return body;
        }))
        .get(LEADER, cp -> ApiRoutes.json(this::leaderView))
        .build();
    // The reconciler and the election call each other; the election is created first.
    PolicyStatusReconciler[] holder = new PolicyStatusReconciler[1];
    this.election = LeaderElection.create(b.client, b.leaseOptions, () -> {
      if (holder[0] != null) {
        holder[0].leadershipChanged();
      }
    });
    this.status = PolicyStatusReconciler.create(b.client, source, controlPlane::sync, election::isLeader, b.statusInterval);
    holder[0] = status;
  }

  public static Builder builder(KubernetesClient client, LeaderElection.Options lease) {
    return new Builder(client, lease);
  }

  /** Loads the model (waiting for the informers' first list), opens the servers, stands for election. */
  public Controller start() throws InterruptedException {
    controlPlane.start();
    status.start();
    election.start();
    return this;
  }

  /** Stops writing, releases the lease, then drains the control plane (see ControlPlane#drain). */
  public void drain(Duration grace) throws InterruptedException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    election.close();
    status.close();
    controlPlane.drain(grace);
  }

  /** Stops at once. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    election.close();
    status.close();
    controlPlane.close();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public KubernetesModelSource source() {
    return source;
  }

  public LeaderElection election() {
    return election;
  }

  public PolicyStatusReconciler status() {
    return status;
  }

  private Map<String, Object> leaderView() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("identity", election.identity());
    out.put("leader", election.isLeader());
    String current = election.currentLeader();
    out.put("currentLeader", current == null ? "" : current);
    return out;
  }

  public static final class Builder {
    private final KubernetesClient client;
    private final LeaderElection.Options leaseOptions;
    private KubernetesModelSource.Options sourceOptions = KubernetesModelSource.Options.defaults();
    private String address = "0.0.0.0";
    private int xdsPort = WellKnown.CONTROL_PLANE_ADS_PORT;
    private int httpPort = WellKnown.CONTROL_PLANE_HTTP_PORT;
    private Duration statusInterval = Duration.ofSeconds(2);

    private Builder(KubernetesClient client, LeaderElection.Options lease) {
      this.client = requireNonNull(client, "client");
      this.leaseOptions = requireNonNull(lease, "lease");
    }

    public Builder source(KubernetesModelSource.Options options) {
      this.sourceOptions = requireNonNull(options, "options");
      return this;
    }

    /** Watch one namespace only (null: all). */
    public Builder namespace(@Nullable String namespace) {
      this.sourceOptions = sourceOptions.withNamespace(namespace);
      return this;
    }

    public Builder address(String address) {
      this.address = requireNonNull(address, "address");
      return this;
    }

    /** 0 picks a free port. */
    public Builder xdsPort(int port) {
      this.xdsPort = port;
      return this;
    }

    /** 0 picks a free port. */
    public Builder httpPort(int port) {
      this.httpPort = port;
      return this;
    }

    /** How often status is re-checked when nothing changed in Kubernetes (ACKs arriving). */
    public Builder statusInterval(Duration interval) {
      this.statusInterval = requireNonNull(interval, "interval");
      return this;
    }

    public Controller build() {
      return new Controller(this);
    }
  }
}
