package dev.corral.controlplane;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.translate.LocalSidecars;
import dev.corral.controlplane.translate.NodeContext;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.translate.PolicyIndex;
import dev.corral.controlplane.translate.TranslationMemo;
import dev.corral.controlplane.translate.Translator;
import dev.corral.controlplane.xds.NodeGroup;
import dev.corral.controlplane.xds.PolicyResolver;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seam between a model source and the ADS server: groups sidecars by {@link NodeContext}
 * (so sidecars that differ in ports get their own snapshot), translates the latest model for each
 * group that has connected, and republishes every group on each model change. In local mode it
 * also routes endpoints of pods whose sidecar is connected through that sidecar ({@link LocalSidecars});
 * when a sidecar's last stream closes, its pod's endpoints go straight to the app again. The
 * {@link SnapshotPublisher} coalesces the bursts; {@link #policies()} follows the model for NACKs.
 * Groups share every piece of translation that does not depend on them ({@link TranslationMemo}).
 */
public final class MeshPublisher implements NodeGroup {
  private static final Logger log = LoggerFactory.getLogger(MeshPublisher.class);

  private final Map<String, NodeContext> contexts = new ConcurrentHashMap<>();
  private final PlacementFilters filters;
  private final TranslationMemo memo = new TranslationMemo();
  private final FaultInjection faults = FaultInjection.fromSystemProperties();
  private volatile MeshModel model = MeshModel.empty();
  private volatile PolicyIndex index = PolicyIndex.empty();
  private volatile LocalSidecars local = LocalSidecars.none();
  private volatile SnapshotPublisher publisher;
  /** Guarded by this: the publisher's sequence once {@link #model} was published to every group. */
  private long modelSequence;

  /**
   * The model in force and the {@link SnapshotPublisher#lastSequence() publish sequence} after its
   * translations were handed to the publisher: a group whose {@link
   * SnapshotPublisher#servedSequence served sequence} is at least {@code sequence} serves this
   * model (or a later one).
   */
  public record InForce(MeshModel model, long sequence) {}

  public MeshPublisher(PlacementFilters filters) {
    this.filters = requireNonNull(filters, "filters");
    if (faults.enabled()) {
      log.warn("TEST-ONLY fault injection on: {} gets a field the sidecar refuses (-D{})",
          faults.policyId(), FaultInjection.PROPERTY);
    }
  }

  /** Connects to the publisher, which must group nodes with this object. */
  public void attach(SnapshotPublisher publisher) {
    this.publisher = requireNonNull(publisher, "publisher");
    publisher.onNewGroup(this::groupConnected);
    publisher.onGroupGone(this::groupGone);
  }

  @Override
  public String groupOf(Node node) {
    NodeContext ctx = NodeContext.fromNode(node);
    String group = ctx.group();
    contexts.putIfAbsent(group, ctx);
    return group;
  }

  /** Takes a new model: every known group gets its translation. */
  public synchronized void onModel(MeshModel next) {
    this.model = requireNonNull(next, "next");
    this.index = PolicyIndex.of(next);
    memo.nextGeneration();
    log.info("mesh model: {}", next);
    for (String group : publisher.knownGroups()) {
      publishGroup(group);
    }
    modelSequence = publisher.lastSequence();
  }

  /** The model in force with its publish sequence, read together (no model change in between). */
  public synchronized InForce inForce() {
    return new InForce(model, modelSequence);
  }

  /**
   * A new group: publish for it, and when it is a local-mode sidecar (it names its app port),
   * republish every group so their endpoints of its pod go through its inbound listener.
   */
  private synchronized void groupConnected(String group) {
    NodeContext ctx = contexts.get(group);
    if (ctx != null && ctx.appPort().isPresent() && refreshLocal()) {
      return;
    }
    publishGroup(group);
  }

  /**
   * The last sidecar of a group disconnected: forget its context and, if it was a local-mode
   * sidecar, send its pod's endpoints straight to the app again. The EndpointSlice, not the ADS
   * stream, says whether the pod exists: a sidecar that lost its stream (or died) must not make
   * a pod that is still listed unreachable, so its endpoints stay, only the detour through its
   * inbound port goes (docs/local-mode.md).
   */
  private synchronized void groupGone(String group) {
    NodeContext ctx = contexts.remove(group);
    if (ctx != null && ctx.appPort().isPresent()) {
      refreshLocal();
    }
  }

  /**
   * Recomputes the local sidecars from the groups connected now; when they changed, republishes
   * every connected group and returns true.
   */
  private boolean refreshLocal() {
    List<NodeContext> connected = new ArrayList<>();
    for (String g : publisher.knownGroups()) {
      NodeContext c = contexts.get(g);
      if (c != null) {
        connected.add(c);
      }
    }
    LocalSidecars next = LocalSidecars.of(connected);
    if (next.equals(local)) {
      return false;
    }
    local = next;
    for (String g : publisher.knownGroups()) {
      publishGroup(g);
    }
    return true;
  }

  /** The pods whose endpoints go through their local sidecar now. */
  public LocalSidecars localSidecars() {
    return local;
  }

  /** The policies behind a resource, for the model in force. */
  public PolicyResolver policies() {
    return (XdsType type, String name) -> index.policiesOf(type, name);
  }

  public MeshModel model() {
    return model;
  }

  public Set<String> groups() {
    return Set.copyOf(contexts.keySet());
  }

  private synchronized void publishGroup(String group) {
    NodeContext ctx = contexts.get(group);
    if (ctx == null) {
      log.warn("no node context for group {}; nothing published", group);
      return;
    }
    XdsResources resources;
    try {
      resources = faults.apply(Translator.translate(model, ctx, filters, local, memo), index);
    } catch (RuntimeException e) {
      log.error("translating the model for group {} failed; it keeps its last snapshot", group, e);
      return;
    }
    SnapshotPublisher.Outcome outcome = publisher.publish(group, resources);
    if (!outcome.accepted()) {
      log.warn("group {}: translation refused: {}", group, outcome.problems());
    }
  }
}
