package dev.corral.operator.status;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.corral.api.WellKnown;
import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.operator.watch.KubernetesModelSource;
import dev.corral.operator.watch.ObservedPolicy;
import dev.corral.controlplane.status.Condition;
import dev.corral.controlplane.status.PolicyConditions;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every policy's status: after each rebuild of the {@link KubernetesModelSource} and every
 * {@code interval} (so that {@code Programmed} follows the sidecars' ACKs), on one thread, and
 * only while {@code isLeader} says so. Each policy whose desired status ({@link DesiredStatus})
 * differs from the one it carries gets one patch on its {@code status} subresource that sets the
 * status only ({@code observedGeneration} and the conditions; a JSON patch {@code add /status},
 * which replaces the whole status: a merge patch would do the same on a real API server, but the
 * mock API server appends to lists in merge patches); a transition of {@code Accepted},
 * or of {@code Programmed} to {@code Rejected} or {@code Programmed}, is also recorded as a core v1
 * Event on the policy.
 */
public final class PolicyStatusReconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyStatusReconciler.class);

  /** {@code source.component} of the Events this controller records. */
  public static final String COMPONENT = "corral-controller";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;
  private final KubernetesModelSource source;
  private final Supplier<ControlPlane.Sync> sync;
  private final BooleanSupplier isLeader;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean triggered = new AtomicBoolean();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  /** uid → what this process last wrote: the informer cache lags behind our own patches. */
  private final Map<String, PolicyStatus> written = new ConcurrentHashMap<>();

  private PolicyStatusReconciler(KubernetesClient client, KubernetesModelSource source, Supplier<ControlPlane.Sync> sync,
      BooleanSupplier isLeader, Duration interval, Clock clock) {
    this.client = client;
    this.source = source;
    this.sync = sync;
    this.isLeader = isLeader;
    this.interval = interval;
    this.clock = clock;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-status");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A reconciler for the policies of {@code source}.
   *
   * @param sync where the control plane stands ({@link ControlPlane#sync()})
   * @param isLeader whether this replica may write (only the leader writes status and events)
   * @param interval how often to re-check when nothing changed in Kubernetes (ACK progress)
   */
  public static PolicyStatusReconciler create(KubernetesClient client, KubernetesModelSource source,
      Supplier<ControlPlane.Sync> sync, BooleanSupplier isLeader, Duration interval) {
    return new PolicyStatusReconciler(requireNonNull(client, "client"), requireNonNull(source, "source"),
        requireNonNull(sync, "sync"), requireNonNull(isLeader, "isLeader"), requireNonNull(interval, "interval"),
        Clock.systemUTC());
  }

  /** Hooks into the source's rebuilds and starts the periodic check. */
  public PolicyStatusReconciler start() {
    source.addListener(this::trigger);
    executor.scheduleWithFixedDelay(this::trigger, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    trigger();
    return this;
  }

  /** Asks for a reconcile soon (coalesced: many triggers, one pass). */
  public void trigger() {
    if (triggered.compareAndSet(false, true)) {
      try {
        executor.execute(this::reconcile);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        triggered.set(false); // closed
      }
    }
  }

  /** Leadership changed hands: forget what we wrote, so that the new term re-checks everything. */
  public void leadershipChanged() {
    written.clear();
    trigger();
  }

  /** Status patches this replica sent. */
  public long writes() {
    return writes.get();
  }

  /** Events this replica recorded. */
  public long events() {
    return events.get();
  }

  private void reconcile() {
    triggered.set(false);
    if (!isLeader.getAsBoolean()) {
      return;
    }
    KubernetesModelSource.Observed observed = source.observed();
    ControlPlane.Sync now = sync.get();
    Set<String> present = new HashSet<>();
    for (ObservedPolicy p : observed.policies()) {
      present.add(p.uid());
      try {
        reconcile(p, observed.model(), now);
      } catch (KubernetesClientException e) {
        // Retried on the next pass (the object may be gone, or the API server busy).
        log.warn("{}: writing status failed: {}", p.displayName(), e.getMessage());
        written.remove(p.uid());
      } catch (RuntimeException e) {
        log.error("{}: status reconcile failed", p.displayName(), e);
      }
    }
    written.keySet().retainAll(present);
  }

  private void reconcile(ObservedPolicy p, MeshModel model, ControlPlane.Sync now) {
    Condition accepted = DesiredStatus.accepted(p, model);
    Condition programmed = DesiredStatus.programmed(p, accepted, now);
    PolicyStatus base = p.status();
    PolicyStatus mine = written.get(p.uid());
    if (mine != null && DesiredStatus.same(mine, base)) {
      written.remove(p.uid()); // the cache caught up with our last write
      mine = null;
    }
    // Until it does, our own last write is the newer truth.
    PolicyStatus current = mine != null ? mine : base;
    PolicyStatus desired = DesiredStatus.status(p.generation(), List.of(accepted, programmed), current, clock.instant());
    if (DesiredStatus.same(desired, current)) {
      return;
    }
    patchStatus(p, desired);
    written.put(p.uid(), desired);
    writes.incrementAndGet();
    log.info("{}: Accepted={} ({}), Programmed={} ({}), observedGeneration {}", p.displayName(),
        accepted.status(), accepted.reason(), programmed.status(), programmed.reason(), p.generation());
    recordEvents(p, current, accepted, programmed);
  }

  private void patchStatus(ObservedPolicy p, PolicyStatus status) {
    String patch;
    try {
      patch = JSON.writeValueAsString(List.of(Map.of("op", "add", "path", "/status", "value", status)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    client.genericKubernetesResources(KubernetesModelSource.context(p.kind()))
        .inNamespace(p.namespace()).withName(p.name())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
  }

  private void recordEvents(ObservedPolicy p, @Nullable PolicyStatus before, Condition accepted, Condition programmed) {
    var was = DesiredStatus.find(before, Condition.ACCEPTED);
    if (was == null || !accepted.reason().equals(was.getReason())) {
      event(p, accepted.holds() ? "Normal" : "Warning", accepted.reason(),
          accepted.holds() ? "accepted (generation " + p.generation() + ")" : accepted.message());
    }
    var wasProgrammed = DesiredStatus.find(before, Condition.PROGRAMMED);
    boolean programmedChanged = wasProgrammed == null || !programmed.reason().equals(wasProgrammed.getReason());
    if (programmedChanged && (programmed.reason().equals(PolicyConditions.REASON_REJECTED)
        || programmed.reason().equals(PolicyConditions.REASON_PROGRAMMED))) {
      event(p, programmed.holds() ? "Normal" : "Warning", programmed.reason(), programmed.message());
    }
  }

  private void event(ObservedPolicy p, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client.v1().events().inNamespace(p.namespace()).resource(new EventBuilder()
          .withNewMetadata()
          .withName(p.name() + "." + Long.toHexString(System.nanoTime()))
          .withNamespace(p.namespace())
          .endMetadata()
          .withNewInvolvedObject()
          .withApiVersion(WellKnown.API_VERSION).withKind(p.kind().kind())
          .withNamespace(p.namespace()).withName(p.name()).withUid(p.uid())
          .endInvolvedObject()
          .withType(type).withReason(reason).withMessage(message.isEmpty() ? reason : message)
          .withNewSource().withComponent(COMPONENT).endSource()
          .withReportingComponent(COMPONENT)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
      events.incrementAndGet();
    } catch (KubernetesClientException e) {
      // Events are best effort: status is the record.
      log.warn("{}: recording event {} failed: {}", p.displayName(), reason, e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
