package dev.corral.sidecar.http;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.collapse.CollapseSettings;
import dev.corral.sidecar.route.RouteTable;
import dev.corral.sidecar.stats.ListenerStats;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import dev.corral.sidecar.cache.CacheConfig;
import dev.corral.sidecar.filter.FilterOverride;
import dev.corral.sidecar.filter.ListenerFilters;
import dev.corral.sidecar.route.Route;
import org.jspecify.annotations.Nullable;

/**
 * One listener's compiled HttpConnectionManager: where requests go (routes, clusters), what is
 * counted, and the limits applied to downstream connections. Immutable but for the drain flag and
 * the route table, which RDS swaps whole.
 */
public final class ConnectionManager {
  static {
    Exchange.preloadFailurePaths(); // once, at start-up, off the event loop
  }

  private final String listenerName;
  private volatile RouteTable routes;
  private final Supplier<Map<String, Cluster>> clusters;
  private final ListenerStats stats;
  private final int maxRequestHeaderBytes;
  private final Duration idleTimeout;
  private final boolean generateRequestId;
  private volatile boolean draining;
  private volatile ListenerFilters filters = ListenerFilters.NONE;
  /** One cache and one collapser per distinct config, so that an RDS update keeps what is stored. */
  private final ConcurrentHashMap<CacheConfig, HttpCache> caches = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<CollapseSettings, Collapser> collapsers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RangeKey, RangeCoalescer> coalescers = new ConcurrentHashMap<>();
  private volatile LongSupplier clock = System::currentTimeMillis;

  /**
   * {@code idleTimeout}: close downstream connections without requests for this long (zero: never);
   * {@code generateRequestId}: add {@code x-request-id} when absent.
   */
  public ConnectionManager(String listenerName, RouteTable routes, Map<String, Cluster> clusters,
      ListenerStats stats, int maxRequestHeaderBytes, Duration idleTimeout, boolean generateRequestId) {
    this(listenerName, routes, constant(Map.copyOf(clusters)), stats, maxRequestHeaderBytes, idleTimeout,
        generateRequestId);
  }

  /**
   * With dynamic clusters: {@code clusters} returns the sidecar's current immutable cluster map
   * (a volatile read), so CDS updates reach every connection at its next request.
   */
  public ConnectionManager(String listenerName, RouteTable routes, Supplier<Map<String, Cluster>> clusters,
      ListenerStats stats, int maxRequestHeaderBytes, Duration idleTimeout, boolean generateRequestId) {
    this.listenerName = requireNonNull(listenerName, "listenerName");
    this.routes = requireNonNull(routes, "routes");
    this.clusters = requireNonNull(clusters, "clusters");
    this.stats = requireNonNull(stats, "stats");
    this.maxRequestHeaderBytes = maxRequestHeaderBytes;
    this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    this.generateRequestId = generateRequestId;
  }

  /** Turns on collapsed forwarding for this listener (keeping its cache config). */
  public void collapse(CollapseSettings settings) {
    filters(new ListenerFilters(filters.cache(), requireNonNull(settings, "settings")));
  }

  /** The listener's HTTP filters (cache, collapse); routes may override them. */
  public void filters(ListenerFilters filters) {
    this.filters = requireNonNull(filters, "filters");
  }

  /** The cache's clock, epoch milliseconds (tests advance it by hand). */
  public void clock(LongSupplier epochMillis) {
    this.clock = requireNonNull(epochMillis, "epochMillis");
  }

  /** The cache in force for {@code route}, or null when off. */
  @Nullable
  HttpCache cacheFor(Route route) {
    CacheConfig config = FilterOverride.resolve(filters.cache(), route.filters().cache());
    if (config == null) {
      return null;
    }
    // Looked up first: the capturing lambda below would otherwise be built on every request.
    HttpCache cache = caches.get(config);
    return cache != null ? cache : caches.computeIfAbsent(config, c -> new HttpCache(c, () -> clock.getAsLong()));
  }

  /**
   * Range coalescing for {@code route} under {@code collapse}, or null when off. With the cache on
   * for the route, completed blocks are kept within the cache's maxSize.
   */
  @Nullable
  RangeCoalescer rangesFor(Route route, CollapseSettings collapse) {
    if (!collapse.ranges().enabled()) {
      return null;
    }
    CacheConfig cache = FilterOverride.resolve(filters.cache(), route.filters().cache());
    long storeBytes = cache == null ? 0 : cache.maxSize();
    RangeKey key = new RangeKey(collapse, storeBytes);
    RangeCoalescer coalescer = coalescers.get(key);
    return coalescer != null ? coalescer
        : coalescers.computeIfAbsent(key, k -> new RangeCoalescer(k.collapse(), this, k.storeBytes()));
  }

  private record RangeKey(CollapseSettings collapse, long storeBytes) {}

  /** The collapser in force for {@code route}, or null when off. */
  @Nullable
  Collapser collapserFor(Route route) {
    CollapseSettings settings = FilterOverride.resolve(filters.collapse(), route.filters().collapse());
    if (settings == null) {
      return null;
    }
    Collapser collapser = collapsers.get(settings);
    return collapser != null ? collapser : collapsers.computeIfAbsent(settings, c -> new Collapser(c, this));
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  boolean generateRequestId() {
    return generateRequestId;
  }

  public String listenerName() {
    return listenerName;
  }

  RouteTable routes() {
    return routes;
  }

  /** Swaps the route table (RDS): requests that start from now on are routed by {@code routes}. */
  public void setRoutes(RouteTable routes) {
    this.routes = requireNonNull(routes, "routes");
  }

  /** The cluster {@code name} in force now (static or from CDS), or null. */
  public @Nullable Cluster cluster(String name) {
    return clusters.get().get(name);
  }

  private static Supplier<Map<String, Cluster>> constant(Map<String, Cluster> clusters) {
    return () -> clusters;
  }

  public ListenerStats stats() {
    return stats;
  }

  public int maxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  /** From now on responses close their HTTP/1.1 connection; the listener is about to stop. */
  public void startDraining() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }
}
