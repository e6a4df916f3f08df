package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, coalesces and publishes each node group's {@link XdsResources} as a java-control-plane
 * snapshot with one version per xDS type, so that a change to clusters re-sends CDS only.
 *
 * <p>{@link #publish} checks the resources at once and refuses an inconsistent set (the group
 * keeps its last good snapshot); accepted sets are held for the coalescing window (100 ms by
 * default) counted from the first publish of a burst, then the latest set per group is published.
 * A type's version is a hash of its resources, so publishing equal content changes nothing.
 */
public final class SnapshotPublisher implements AutoCloseable {

  public static final Duration DEFAULT_COALESCE_WINDOW = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  /** The outcome of one publish call: accepted (queued) or refused with the problems. */
  public record Outcome(String group, List<String> problems) {
    public Outcome {
      problems = List.copyOf(problems);
    }

    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  /** A published group's per-type versions. */
  public record GroupVersions(String group, Map<XdsType, String> versions) {}

  /** A resource's SHA-256, and the short hex form that is its version. */
  private record Digest(byte[] sha256, String hex) {}

  private record Typed<T extends Message>(String version, SnapshotResources<T> resources) {}

  private record Pending(XdsResources resources, long firstPublishNanos, long sequence) {}

  /** {@code sequence}: the accepted publish call whose content the group serves. */
  private record Published(Map<XdsType, String> versions, Map<XdsType, Long> publishNanos, long sequence) {}

  private final SimpleCache<String> cache;
  private final NodeGroup nodeGroup;
  private final XdsMetrics metrics;
  private final LongSupplier nanoTime;
  private final Duration window;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;

  private final Object lock = new Object();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private boolean flushScheduled;
  private final Map<String, Published> published = new ConcurrentHashMap<>();
  private final Map<String, Outcome> lastRefusal = new ConcurrentHashMap<>();
  private final List<Consumer<String>> groupListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> goneListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> flushListeners = new CopyOnWriteArrayList<>();
  /** Open ADS streams per group; a group is known while it has one. */
  private final Map<String, Integer> openStreams = new ConcurrentHashMap<>();
  private final Set<String> knownGroups = ConcurrentHashMap.newKeySet();
  /** Per-resource digests, by identity: resources shared between groups are hashed once. */
  private final Cache<Message, Digest> digests = CacheBuilder.newBuilder().weakKeys().build();
  /** Versioned and indexed lists: the same resources in many groups (EDS, most CDS) done once. */
  private final SameResources<Typed<?>> typedLists = new SameResources<>(4096);
  /**
   * The digests looked up during one flush, in front of {@link #digests}: the 100 groups of a
   * flush look up the same ~2,000 instances each, and a plain identity map is several times
   * cheaper per lookup than the concurrent weak cache. Publisher thread only; cleared per flush.
   */
  private final Map<Message, Digest> flushDigests = new IdentityHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  private SnapshotPublisher(Builder b) {
    this.nodeGroup = b.nodeGroup;
    this.metrics = b.metrics;
    this.nanoTime = b.nanoTime;
    this.window = b.window;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler
        : Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "corral-xds-publisher");
          t.setDaemon(true);
          return t;
        });
    NodeGroup grouping = this.nodeGroup;
    this.cache = new SimpleCache<>(grouping::groupOf);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks {@code resources} and, when consistent, queues them as {@code group}'s next snapshot.
   * A refused set is logged, counted and kept as {@link #lastRefusal(String)}; the group keeps
   * serving its last good snapshot.
   */
  public Outcome publish(String group, XdsResources resources) {
    requireNonNull(group, "group");
    requireNonNull(resources, "resources");
    List<String> problems = resources.consistencyProblems();
    Outcome outcome = new Outcome(group, problems);
    if (!problems.isEmpty()) {
      log.warn("refusing inconsistent xDS resources for group {}: {}", group, problems);
      metrics.snapshotsRefused.inc();
      lastRefusal.put(group, outcome);
      return outcome;
    }
    long now = nanoTime.getAsLong();
    synchronized (lock) {
      Pending previous = pending.get(group);
      pending.put(group, new Pending(resources, previous == null ? now : previous.firstPublishNanos,
          sequence.incrementAndGet()));
      if (!flushScheduled) {
        flushScheduled = true;
        scheduler.schedule(this::flush, window.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    return outcome;
  }

  /** Publishes every group of {@code byGroup}; returns the outcomes of the refused ones. */
  public List<Outcome> publishAll(Map<String, XdsResources> byGroup) {
    List<Outcome> refused = new ArrayList<>();
    byGroup.forEach((group, resources) -> {
      Outcome o = publish(group, resources);
      if (!o.accepted()) {
        refused.add(o);
      }
    });
    return refused;
  }

  /** The last refused publish of {@code group}, if any publish was ever refused. */
  public Optional<Outcome> lastRefusal(String group) {
    return Optional.ofNullable(lastRefusal.get(group));
  }

  /** The versions {@code group} is served now, or empty if nothing was published for it yet. */
  public Optional<GroupVersions> versions(String group) {
    Published p = published.get(group);
    return p == null ? Optional.empty() : Optional.of(new GroupVersions(group, p.versions));
  }

  /** True while published resources wait out the coalescing window (not yet served to anyone). */
  public boolean pending() {
    synchronized (lock) {
      return !pending.isEmpty();
    }
  }

  /**
   * The number of the latest accepted {@link #publish} call (every accepted call gets the next
   * number); with {@link #servedSequence} it tells whether a group serves a given publish yet.
   */
  public long lastSequence() {
    return sequence.get();
  }

  /**
   * The number of the latest accepted publish call whose content {@code group} serves now (a later
   * publish of equal content counts too); empty before the group's first snapshot.
   */
  public OptionalLong servedSequence(String group) {
    Published p = published.get(group);
    return p == null ? OptionalLong.empty() : OptionalLong.of(p.sequence);
  }

  /** Groups with at least one open ADS stream. */
  public Set<String> knownGroups() {
    return Set.copyOf(knownGroups);
  }

  /**
   * Called with a group the first time a sidecar of it connects, before its first request is
   * answered: a translator that publishes per group can publish for it here.
   */
  public void onNewGroup(Consumer<String> listener) {
    groupListeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Called with a group when the last ADS stream of it closes. The group's snapshot stays in the
   * cache (a sidecar that reconnects is answered at once), but model changes no longer need to be
   * published for it until a sidecar of it connects again ({@link #onNewGroup}).
   */
  public void onGroupGone(Consumer<String> listener) {
    goneListeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Called after each batch of snapshots is in the cache (the responses to open watches are queued
   * by then): caches of what snapshots need can drop what superseded ones needed.
   */
  void onFlushed(Runnable listener) {
    flushListeners.add(requireNonNull(listener, "listener"));
  }

  public XdsMetrics metrics() {
    return metrics;
  }

  public NodeGroup nodeGroup() {
    return nodeGroup;
  }

  SimpleCache<String> cache() {
    return cache;
  }

  /** A stream of {@code group} opened (its first request named the node). */
  void groupConnected(String group) {
    boolean first;
    synchronized (openStreams) {
      first = openStreams.merge(group, 1, Integer::sum) == 1 && knownGroups.add(group);
    }
    if (first) {
      tell(groupListeners, group, "new-group");
    }
  }

  /** A stream of {@code group} closed; the last one makes the group unknown. */
  void groupDisconnected(String group) {
    boolean last;
    synchronized (openStreams) {
      Integer left = openStreams.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1);
      last = left == null && knownGroups.remove(group);
    }
    if (last) {
      tell(goneListeners, group, "group-gone");
    }
  }

  private static void tell(List<Consumer<String>> listeners, String group, String what) {
    for (Consumer<String> l : listeners) {
      try {
        l.accept(group);
      } catch (RuntimeException e) {
        log.warn("{} listener failed for {}", what, group, e);
      }
    }
  }

  /** When {@code version} of {@code type} was first published for {@code group}. */
  OptionalLong publishedAtNanos(String group, XdsType type, String version) {
    Published p = published.get(group);
    if (p == null || !version.equals(p.versions.get(type))) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(p.publishNanos.get(type));
  }

  LongSupplier nanoTime() {
    return nanoTime;
  }

  /** Publishes what is pending now; normally run by the scheduler at the end of the window. */
  void flush() {
    Map<String, Pending> batch;
    synchronized (lock) {
      batch = new LinkedHashMap<>(pending);
      pending.clear();
      flushScheduled = false;
    }
    try {
      batch.forEach((group, p) -> {
        try {
          publishNow(group, p);
        } catch (RuntimeException e) {
          log.error("publishing the snapshot of group {} failed; it keeps its last one", group, e);
        }
      });
    } finally {
      flushDigests.clear();
      typedLists.sweep();
      for (Runnable l : flushListeners) {
        try {
          l.run();
        } catch (RuntimeException e) {
          log.warn("flush listener failed", e);
        }
      }
    }
  }

  private void publishNow(String group, Pending p) {
    XdsResources r = p.resources;
    Typed<Cluster> clusters = typed(r.clusters());
    Typed<ClusterLoadAssignment> endpoints = typed(r.endpoints());
    Typed<Listener> listeners = typed(r.listeners());
    Typed<RouteConfiguration> routes = typed(r.routes());
    Map<XdsType, String> versions = new EnumMap<>(XdsType.class);
    versions.put(XdsType.CDS, clusters.version());
    versions.put(XdsType.EDS, endpoints.version());
    versions.put(XdsType.LDS, listeners.version());
    versions.put(XdsType.RDS, routes.version());

    Published before = published.get(group);
    if (before != null && before.versions.equals(versions)) {
      published.put(group, new Published(before.versions, before.publishNanos, p.sequence));
      return;
    }
    Map<XdsType, Long> times = new EnumMap<>(XdsType.class);
    for (XdsType t : XdsType.values()) {
      boolean changed = before == null || !versions.get(t).equals(before.versions.get(t));
      times.put(t, changed ? p.firstPublishNanos : before.publishNanos.get(t));
    }
    Snapshot snapshot = new GroupSnapshot(clusters.resources(), endpoints.resources(),
        listeners.resources(), routes.resources());
    // Record versions before the cache answers watches, so an ACK can never outrun them.
    published.put(group, new Published(Map.copyOf(versions), Map.copyOf(times), p.sequence));
    cache.setSnapshot(group, snapshot);
    metrics.snapshots.inc();
    log.debug("published group {} versions {}", group, versions);
  }

  /**
   * One type's resources with their version (a content hash that ignores order) as the cache
   * serves them; built once per sequence of instances, so resources shared by many groups are
   * hashed and indexed once. Each resource's version is its own digest (what delta xDS compares).
   */
  @SuppressWarnings("unchecked")
  private <T extends Message> Typed<T> typed(List<T> resources) {
    return (Typed<T>) typedLists.get(resources, array -> {
      List<VersionedResource<T>> versioned = new ArrayList<>(resources.size());
      for (T m : resources) {
        versioned.add(VersionedResource.create(m, digestOf(m).hex()));
      }
      String version = computeHash(resources);
      return new Typed<>(version, SnapshotResources.create(versioned, names -> version));
    });
  }

  private <T extends Message> String computeHash(List<T> resources) {
    List<T> sorted = new ArrayList<>(resources);
    sorted.sort(Comparator.comparing(Resources::getResourceName));
    MessageDigest digest = sha256();
    for (T m : sorted) {
      digest.update(Resources.getResourceName(m).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(digestOf(m).sha256());
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }

  /**
   * A resource's digest, by identity. A RouteConfiguration's is made of its virtual hosts'
   * digests (shared instances across namespaces and models): serializing a namespace's whole
   * table of 1,000 hosts for one changed host cost more than the push.
   */
  private Digest digestOf(Message m) {
    Digest d = flushDigests.get(m);
    if (d != null) {
      return d;
    }
    d = digests.getIfPresent(m);
    if (d == null) {
      MessageDigest sha = sha256();
      if (m instanceof RouteConfiguration rc && rc.getVirtualHostsCount() > 0) {
        sha.update(deterministicBytes(rc.toBuilder().clearVirtualHosts().build()));
        for (VirtualHost vh : rc.getVirtualHostsList()) {
          sha.update(digestOf(vh).sha256());
        }
      } else {
        sha.update(deterministicBytes(m));
      }
      byte[] bytes = sha.digest();
      d = new Digest(bytes, HexFormat.of().formatHex(bytes, 0, 8));
      digests.put(m, d);
    }
    flushDigests.put(m, d);
    return d;
  }

  private static byte[] deterministicBytes(Message m) {
    byte[] buf = new byte[m.getSerializedSize()];
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(buf);
      out.useDeterministicSerialization();
      m.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  /** Builds a {@link SnapshotPublisher}. */
  public static final class Builder {
    private NodeGroup nodeGroup = NodeGroup.namespaceAndWorkload();
    private XdsMetrics metrics = XdsMetrics.standalone();
    private LongSupplier nanoTime = System::nanoTime;
    private Duration window = DEFAULT_COALESCE_WINDOW;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    public Builder nodeGroup(NodeGroup nodeGroup) {
      this.nodeGroup = requireNonNull(nodeGroup, "nodeGroup");
      return this;
    }

    public Builder metrics(XdsMetrics metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /** The clock for push latency, in nanoseconds. */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    public Builder coalesceWindow(Duration window) {
      requireNonNull(window, "window");
      if (window.isNegative()) {
        throw new IllegalArgumentException("coalesceWindow: %s (expected: >= 0)".formatted(window));
      }
      this.window = window;
      return this;
    }

    /** Runs the coalesced flushes; by default a daemon thread of the publisher's own. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    public SnapshotPublisher build() {
      return new SnapshotPublisher(this);
    }
  }
}
