package dev.corral.sidecar.route;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ascii;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.filter.ListenerFilters;
import dev.corral.sidecar.retry.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, compiled {@code RouteConfiguration}: picks the virtual host by the request's
 * authority, then the first route of that host whose match accepts the request.
 *
 * <p>Domains follow Envoy: exact, then {@code *.suffix} wildcards (longest first), then
 * {@code prefix.*} wildcards (longest first), then {@code *}; case-insensitive. The authority is
 * tried with its port first, then without it, before falling back to {@code *}.
 */
public final class RouteTable {
  private final String name;
  private final Map<String, Host> exact;
  private final List<Wildcard> suffixes; // longest first
  private final List<Wildcard> prefixes; // longest first
  private final @Nullable Host any;
  private final Set<String> clusterNames;
  /**
   * The last authority looked up and its virtual host: clients send the same Host on every
   * request, and the lookup lower-cases, cuts the port and hashes. Shared by the event loops
   * without a lock: an immutable pair, replaced whole (a lost update only costs a lookup).
   */
  private @Nullable LastHost last;

  private RouteTable(String name, Map<String, Host> exact, List<Wildcard> suffixes,
      List<Wildcard> prefixes, @Nullable Host any, Set<String> clusterNames) {
    this.name = name;
    this.exact = exact;
    this.suffixes = suffixes;
    this.prefixes = prefixes;
    this.any = any;
    this.clusterNames = clusterNames;
  }

  /**
   * Compiles a route configuration. Errors name the field's path relative to the route
   * configuration, e.g. {@code virtual_hosts[0].routes[2].match.safe_regex.regex}.
   */
  public static RouteTable compile(RouteConfiguration config) {
    requireNonNull(config, "config");
    Map<String, Host> exact = new HashMap<>();
    Map<String, Host> suffixes = new HashMap<>();
    Map<String, Host> prefixes = new HashMap<>();
    Host any = null;
    Set<String> vhostNames = new HashSet<>();
    Set<String> clusters = new LinkedHashSet<>();
    for (int v = 0; v < config.getVirtualHostsCount(); v++) {
      String vPath = "virtual_hosts[" + v + "]";
      VirtualHost vh = config.getVirtualHosts(v);
      if (vh.getName().isEmpty()) {
        throw new ConfigException(vPath + ".name", "required");
      }
      if (!vhostNames.add(vh.getName())) {
        throw new ConfigException(vPath + ".name", "duplicate virtual host \"" + vh.getName() + "\"");
      }
      if (vh.getDomainsCount() == 0) {
        throw new ConfigException(vPath + ".domains", "at least one domain is required");
      }
      Host host = compileHost(vh, vPath);
      host.routes.forEach(r -> clusters.addAll(r.route.clusterNames()));
      for (int d = 0; d < vh.getDomainsCount(); d++) {
        String domain = Ascii.toLowerCase(vh.getDomains(d));
        String dPath = vPath + ".domains[" + d + "]";
        Map<String, Host> target;
        String key;
        if (domain.equals("*")) {
          if (any != null) {
            throw new ConfigException(dPath, "duplicate domain \"*\"");
          }
          any = host;
          continue;
        } else if (domain.startsWith("*")) {
          target = suffixes;
          key = domain.substring(1);
        } else if (domain.endsWith("*")) {
          target = prefixes;
          key = domain.substring(0, domain.length() - 1);
        } else {
          target = exact;
          key = domain;
        }
        if (key.isEmpty() || key.indexOf('*') >= 0) {
          throw new ConfigException(dPath, "invalid domain \"" + domain
              + "\" (expected: exact, *.suffix, prefix.* or *)");
        }
        if (target.putIfAbsent(key, host) != null) {
          throw new ConfigException(dPath, "duplicate domain \"" + domain + "\"");
        }
      }
    }
    return new RouteTable(config.getName(), ImmutableMap.copyOf(exact), wildcards(suffixes),
        wildcards(prefixes), any, ImmutableSet.copyOf(clusters));
  }

  /** The route configuration's name. */
  public String name() {
    return name;
  }

  /** Every cluster some route may send to, for reference checks. */
  public Set<String> clusterNames() {
    return clusterNames;
  }

  /** The route for a request, or null when no virtual host or no route matches (a 404). */
  public @Nullable Route match(RequestHead head) {
    Host host = findHost(head.authority());
    if (host == null) {
      return null;
    }
    String path = head.path();
    List<Entry> routes = host.routes;
    for (int i = 0; i < routes.size(); i++) { // indexed: no iterator per request
      Entry entry = routes.get(i);
      if (entry.matches(head, path)) {
        return entry.route;
      }
    }
    return null;
  }

  private @Nullable Host findHost(String authority) {
    LastHost cached = last;
    if (cached != null && cached.authority.equals(authority)) {
      return cached.host;
    }
    Host host = lookUpHost(authority);
    last = new LastHost(authority, host);
    return host;
  }

  private record LastHost(String authority, @Nullable Host host) {}

  private @Nullable Host lookUpHost(String authority) {
    String withPort = Ascii.toLowerCase(authority);
    Host host = findSpecific(withPort);
    if (host == null) {
      int colon = portStart(withPort);
      if (colon >= 0) {
        host = findSpecific(withPort.substring(0, colon));
      }
    }
    return host != null ? host : any;
  }

  private @Nullable Host findSpecific(String host) {
    Host found = exact.get(host);
    if (found != null) {
      return found;
    }
    // The wildcard must stand for at least one character, as in Envoy.
    for (Wildcard w : suffixes) {
      if (host.length() > w.key.length() && host.endsWith(w.key)) {
        return w.host;
      }
    }
    for (Wildcard w : prefixes) {
      if (host.length() > w.key.length() && host.startsWith(w.key)) {
        return w.host;
      }
    }
    return null;
  }

  /** The index of the colon before the port, or -1; IPv6 literals are bracketed. */
  private static int portStart(String authority) {
    int colon = authority.lastIndexOf(':');
    return colon > authority.lastIndexOf(']') ? colon : -1;
  }

  private static List<Wildcard> wildcards(Map<String, Host> byKey) {
    return byKey.entrySet().stream()
        .map(e -> new Wildcard(e.getKey(), e.getValue()))
        .sorted(Comparator.comparingInt((Wildcard w) -> w.key.length()).reversed()
            .thenComparing(w -> w.key))
        .collect(ImmutableList.toImmutableList());
  }

  private static Host compileHost(VirtualHost vh, String vPath) {
    List<Entry> entries = new ArrayList<>();
    for (int r = 0; r < vh.getRoutesCount(); r++) {
      String rPath = vPath + ".routes[" + r + "]";
      io.envoyproxy.envoy.config.route.v3.Route route = vh.getRoutes(r);
      if (!route.hasMatch()) {
        throw new ConfigException(rPath + ".match", "required");
      }
      if (!route.hasRoute()) {
        throw new ConfigException(rPath + ".route", "required");
      }
      Route action = compileAction(vh.getName(), route.getRoute(), rPath + ".route");
      if (route.getTypedPerFilterConfigCount() > 0) {
        action = action.withFilters(ListenerFilters.routeFilters(route.getTypedPerFilterConfigMap(),
            rPath + ".typed_per_filter_config"));
      }
      entries.add(new Entry(compileMatch(route.getMatch(), rPath + ".match"), action));
    }
    return new Host(vh.getName(), ImmutableList.copyOf(entries));
  }

  private static Match compileMatch(RouteMatch m, String path) {
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathMatch pathMatch = switch (m.getPathSpecifierCase()) {
      case PREFIX -> {
        String prefix = m.getPrefix();
        yield p -> p.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
      }
      case PATH -> {
        String exactPath = m.getPath();
        yield p -> {
          int q = p.indexOf('?');
          int len = q < 0 ? p.length() : q;
          return len == exactPath.length() && p.regionMatches(!caseSensitive, 0, exactPath, 0, len);
        };
      }
      case SAFE_REGEX -> {
        // As in Envoy, case_sensitive does not apply to regexes; the whole path must match.
        Pattern regex = StringMatch.regex(m.getSafeRegex().getRegex(), path + ".safe_regex.regex");
        yield p -> {
          int q = p.indexOf('?');
          return regex.matcher(q < 0 ? p : p.subSequence(0, q)).matches();
        };
      }
      default -> throw new ConfigException(path, "one of prefix, path, safe_regex is required");
    };
    List<HeaderMatch> headers = new ArrayList<>();
    for (int h = 0; h < m.getHeadersCount(); h++) {
      HeaderMatcher hm = m.getHeaders(h);
      try {
        headers.add(HeaderMatch.compile(hm));
      } catch (ConfigException e) {
        throw e.under(path + ".headers[" + h + "]");
      }
    }
    return new Match(pathMatch, ImmutableList.copyOf(headers));
  }

  private static Route compileAction(String vhost, RouteAction a, String path) {
    List<String> clusters = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        if (a.getCluster().isEmpty()) {
          throw new ConfigException(path + ".cluster", "required");
        }
        clusters.add(a.getCluster());
      }
      case WEIGHTED_CLUSTERS -> {
        long total = 0;
        List<WeightedCluster.ClusterWeight> list = a.getWeightedClusters().getClustersList();
        for (int i = 0; i < list.size(); i++) {
          WeightedCluster.ClusterWeight cw = list.get(i);
          String cPath = path + ".weighted_clusters.clusters[" + i + "]";
          if (cw.getName().isEmpty()) {
            throw new ConfigException(cPath + ".name", "required");
          }
          long weight = Integer.toUnsignedLong(cw.getWeight().getValue());
          clusters.add(cw.getName());
          weights.add(weight);
          total += weight;
        }
        if (total == 0) {
          throw new ConfigException(path + ".weighted_clusters.clusters",
              "weights must add up to more than 0");
        }
      }
      default -> throw new ConfigException(path, "one of cluster, weighted_clusters is required");
    }
    Duration timeout = timeoutOf(a);
    if (timeout.isNegative()) {
      throw new ConfigException(path + ".timeout", "must not be negative");
    }
    List<HashPolicy> policies = new ArrayList<>();
    for (int i = 0; i < a.getHashPolicyCount(); i++) {
      try {
        policies.add(HashPolicy.compile(a.getHashPolicy(i)));
      } catch (ConfigException e) {
        throw e.under(path + ".hash_policy[" + i + "]");
      }
    }
    RetryPolicy retry = RetryPolicy.none();
    if (a.hasRetryPolicy()) {
      io.envoyproxy.envoy.config.route.v3.RetryPolicy proto = a.getRetryPolicy();
      List<HeaderMatch> optIn = new ArrayList<>();
      for (int i = 0; i < proto.getRetriableRequestHeadersCount(); i++) {
        try {
          optIn.add(HeaderMatch.compile(proto.getRetriableRequestHeaders(i)));
        } catch (ConfigException e) {
          throw e.under(path + ".retry_policy.retriable_request_headers[" + i + "]");
        }
      }
      try {
        retry = RetryPolicy.compile(proto,
            optIn.isEmpty() ? null : head -> optIn.stream().allMatch(m -> m.matches(head)));
      } catch (ConfigException e) {
        throw e.under(path + ".retry_policy");
      }
    }
    return new Route(vhost, clusters, weights, timeout, policies, retry);
  }

  private static Duration timeoutOf(RouteAction a) {
    return a.hasTimeout()
        ? Duration.ofSeconds(a.getTimeout().getSeconds(), a.getTimeout().getNanos())
        : Route.DEFAULT_TIMEOUT;
  }

  private interface PathMatch {
    boolean matches(String path);
  }

  private record Match(PathMatch path, List<HeaderMatch> headers) {}

  private record Entry(Match match, Route route) {
    boolean matches(RequestHead head, String path) {
      if (!match.path.matches(path)) {
        return false;
      }
      for (HeaderMatch h : match.headers) {
        if (!h.matches(head)) {
          return false;
        }
      }
      return true;
    }
  }

  private record Host(String name, List<Entry> routes) {}

  private record Wildcard(String key, Host host) {}
}
