package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corralctl config ADMIN-URL|POD}: a sidecar's listeners, routes, clusters and endpoints
 * (with health), read from its admin's {@code /config_dump} (Envoy's ConfigDump JSON) and
 * {@code /clusters} (Envoy's {@code cluster::host::stat::value} text). A pod
 * ({@code name.namespace}) is looked up in the control plane's {@code /api/v1/xds}, which knows
 * the admin address when the sidecar's node metadata names it ({@code corral.admin_address}).
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "A sidecar's listeners, routes, clusters and endpoints with health, from its admin port.")
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin ControlPlaneOptions options;

  @Parameters(paramLabel = "ADMIN-URL|POD",
      description = "The sidecar's admin (http://127.0.0.1:15000, or host:port), or a pod as name.namespace.")
  String target;

  @Override
  public void run() {
    String admin = looksLikeAddress(target) ? target : adminOf(target);
    Http sidecar = new Http(admin, "the sidecar admin",
        "is the sidecar running? in a cluster its admin is loopback-only: kubectl port-forward POD 15000");
    JsonNode dump = sidecar.json("/config_dump");
    String clusters = sidecar.text("/clusters");
    PrintWriter out = spec.commandLine().getOut();
    out.print(render(sidecar.base().toString(), dump, clusters));
    out.flush();
  }

  static boolean looksLikeAddress(String target) {
    return target.contains("://") || target.matches("[^/\\s]+:\\d{1,5}");
  }

  /** The admin address of the pod's sidecar, from the control plane. */
  private String adminOf(String pod) {
    if (!pod.contains(".")) {
      throw new CliException(2, "config: " + pod + " (expected: an admin URL such as http://127.0.0.1:15000, or a pod as name.namespace)");
    }
    JsonNode xds = options.controlPlane().json("/api/v1/xds");
    List<String> known = new ArrayList<>();
    for (JsonNode s : xds.path("sidecars")) {
      String nodeId = s.path("nodeId").asText();
      known.add(nodeId);
      if (nodeId.equals(pod)) {
        String address = Format.text(s, "adminAddress", "");
        if (!address.isEmpty()) {
          return address;
        }
        String name = pod.substring(0, pod.lastIndexOf('.'));
        String ns = pod.substring(pod.lastIndexOf('.') + 1);
        throw new CliException(1, "the control plane does not know the admin address of " + pod
            + " (its sidecar's node metadata has no corral.admin_address; in a cluster the admin is loopback-only).\n"
            + "Port-forward it and pass the address:\n"
            + "  kubectl -n " + ns + " port-forward pod/" + name + " 15000\n"
            + "  corralctl config http://localhost:15000");
      }
    }
    throw new CliException(1, "no connected sidecar has node id " + pod
        + (known.isEmpty() ? " (no sidecar is connected)" : " (connected: " + String.join(", ", known) + ")"));
  }

  /** The readable view: one section per resource type, each a table. */
  static String render(String admin, JsonNode dump, String clustersText) {
    Map<String, JsonNode> configs = new LinkedHashMap<>();
    for (JsonNode c : dump.path("configs")) {
      String type = c.path("@type").asText();
      configs.put(type.substring(type.lastIndexOf('.') + 1), c);
    }
    JsonNode bootstrap = configs.getOrDefault("BootstrapConfigDump", Http.JSON.nullNode()).path("bootstrap");
    JsonNode staticResources = field(bootstrap, "staticResources", "static_resources");
    JsonNode node = bootstrap.path("node");

    StringBuilder out = new StringBuilder();
    out.append("Sidecar ").append(node.path("id").asText("?")).append(" (admin ").append(admin).append(")\n");

    Table listeners = new Table().left("NAME").left("ADDRESS").left("ROUTES").left("FILTERS").left("VERSION");
    List<JsonNode> inlineRoutes = new ArrayList<>();
    for (JsonNode l : field(staticResources, "listeners")) {
      addListener(listeners, l, "static", inlineRoutes);
    }
    for (JsonNode d : field(configs.get("ListenersConfigDump"), "dynamicListeners", "dynamic_listeners")) {
      JsonNode active = field(d, "activeState", "active_state");
      addListener(listeners, active.path("listener"), version(active), inlineRoutes);
    }
    section(out, "LISTENERS", listeners);

    Table routes = new Table().left("ROUTE CONFIG").left("VIRTUAL HOST").left("DOMAINS").left("MATCH")
        .left("CLUSTER").left("TIMEOUT").left("RETRIES").left("VERSION");
    for (JsonNode rc : inlineRoutes) {
      addRoutes(routes, rc, "inline");
    }
    for (JsonNode d : field(configs.get("RoutesConfigDump"), "dynamicRouteConfigs", "dynamic_route_configs")) {
      addRoutes(routes, field(d, "routeConfig", "route_config"), version(d));
    }
    section(out, "ROUTES", routes);

    ClusterStats hosts = parseClusters(clustersText);
    Table clusters = new Table().left("NAME").left("TYPE").left("BALANCING").right("HEALTHY").left("PANIC").left("VERSION");
    for (JsonNode c : field(staticResources, "clusters")) {
      addCluster(clusters, c, "static", hosts, "");
    }
    JsonNode clusterDump = configs.get("ClustersConfigDump");
    for (JsonNode d : field(clusterDump, "staticClusters", "static_clusters")) {
      addCluster(clusters, d.path("cluster"), "static", hosts, "");
    }
    for (JsonNode d : field(clusterDump, "dynamicActiveClusters", "dynamic_active_clusters")) {
      addCluster(clusters, d.path("cluster"), version(d), hosts, "");
    }
    for (JsonNode d : field(clusterDump, "dynamicWarmingClusters", "dynamic_warming_clusters")) {
      addCluster(clusters, d.path("cluster"), version(d), hosts, " (warming: no endpoints yet)");
    }
    section(out, "CLUSTERS", clusters);

    Table endpoints = new Table().left("CLUSTER").left("ENDPOINT").left("ZONE").left("HEALTH").right("WEIGHT")
        .right("RQ ACTIVE").right("CX ACTIVE").right("EJECTED");
    hosts.hosts().forEach((cluster, list) -> {
      for (Host h : list) {
        endpoints.row(cluster, h.address(), h.get("zone"), h.get("health_flags"), h.get("weight"),
            h.get("rq_active"), h.get("cx_active"), h.get("times_ejected"));
      }
    });
    section(out, "ENDPOINTS", endpoints);
    return out.toString();
  }

  private static void section(StringBuilder out, String title, Table table) {
    out.append('\n').append(title).append('\n');
    out.append(table.isEmpty() ? "(none)\n" : table.render());
  }

  private static void addListener(Table t, JsonNode l, String version, List<JsonNode> inlineRoutes) {
    JsonNode sa = l.path("address").path(has(l.path("address"), "socketAddress") ? "socketAddress" : "socket_address");
    String address = sa.path("address").asText("?") + ":" + field(sa, "portValue", "port_value").asText("?");
    List<String> routes = new ArrayList<>();
    List<String> filters = new ArrayList<>();
    for (JsonNode chain : field(l, "filterChains", "filter_chains")) {
      for (JsonNode f : chain.path("filters")) {
        JsonNode hcm = field(f, "typedConfig", "typed_config");
        JsonNode rds = hcm.path("rds");
        if (!rds.isMissingNode()) {
          routes.add("rds " + field(rds, "routeConfigName", "route_config_name").asText());
        }
        JsonNode inline = field(hcm, "routeConfig", "route_config");
        if (!inline.isMissingNode()) {
          routes.add("inline " + inline.path("name").asText());
          inlineRoutes.add(inline);
        }
        for (JsonNode hf : field(hcm, "httpFilters", "http_filters")) {
          String name = hf.path("name").asText();
          filters.add(name.substring(name.lastIndexOf('.') + 1));
        }
      }
    }
    t.row(l.path("name").asText(), address, orNone(String.join(", ", routes)), orNone(String.join(",", filters)), version);
  }

  private static void addRoutes(Table t, JsonNode rc, String version) {
    String config = rc.path("name").asText();
    for (JsonNode vh : field(rc, "virtualHosts", "virtual_hosts")) {
      List<String> domains = new ArrayList<>();
      vh.path("domains").forEach(d -> domains.add(d.asText()));
      String domainText = domains.size() <= 3 ? String.join(",", domains)
          : String.join(",", domains.subList(0, 2)) + ",+" + (domains.size() - 2) + " more";
      for (JsonNode r : vh.path("routes")) {
        JsonNode match = r.path("match");
        String m = match.has("prefix") ? "prefix " + match.path("prefix").asText()
            : match.has("path") ? "path " + match.path("path").asText() : Format.NONE;
        JsonNode action = r.path("route");
        String cluster = action.has("cluster") ? action.path("cluster").asText()
            : has(action, "weightedClusters") ? "(weighted)" : Format.NONE;
        JsonNode retry = field(action, "retryPolicy", "retry_policy");
        String retries = retry.isMissingNode() ? Format.NONE
            : field(retry, "numRetries", "num_retries").asText("1") + " on " + field(retry, "retryOn", "retry_on").asText("");
        t.row(config, vh.path("name").asText(), domainText, m, cluster, action.path("timeout").asText(Format.NONE),
            retries.strip(), version);
      }
    }
  }

  private static void addCluster(Table t, JsonNode c, String version, ClusterStats hosts, String note) {
    String name = c.path("name").asText();
    String type = c.has("type") ? c.path("type").asText() : "STATIC";
    String lb = field(c, "lbPolicy", "lb_policy").asText("ROUND_ROBIN");
    List<Host> members = hosts.hosts().getOrDefault(name, List.of());
    long healthy = members.stream().filter(h -> h.get("health_flags").equals("healthy")).count();
    String panic = hosts.clusterStat(name, "healthy_panic");
    t.row(name + note, type, lb, healthy + "/" + members.size(), panic, version);
  }

  private static String version(JsonNode d) {
    String v = field(d, "versionInfo", "version_info").asText("");
    return v.isEmpty() ? Format.NONE : v.length() > 12 ? v.substring(0, 12) : v;
  }

  private static String orNone(String s) {
    return s.isEmpty() ? Format.NONE : s;
  }

  private static boolean has(JsonNode n, String field) {
    return n.has(field);
  }

  /** The first of {@code names} present in {@code n} (the dump is camelCase; accept snake_case too). */
  private static JsonNode field(@Nullable JsonNode n, String... names) {
    if (n == null) {
      return Http.JSON.missingNode();
    }
    for (String name : names) {
      if (n.has(name)) {
        return n.get(name);
      }
    }
    return Http.JSON.missingNode();
  }

  /** One host of /clusters: its address and its {@code stat::value} facts. */
  record Host(String address, Map<String, String> stats) {
    String get(String stat) {
      return stats.getOrDefault(stat, Format.NONE);
    }
  }

  /** /clusters parsed: hosts by cluster, and cluster-level facts ({@code cluster::stat::value}). */
  record ClusterStats(Map<String, List<Host>> hosts, Map<String, Map<String, String>> clusters) {
    String clusterStat(String cluster, String stat) {
      return clusters.getOrDefault(cluster, Map.of()).getOrDefault(stat, Format.NONE);
    }
  }

  /** Envoy's {@code cluster::host::stat::value} lines (and {@code cluster::stat::value}), in order. */
  static ClusterStats parseClusters(String text) {
    Map<String, Map<String, Map<String, String>>> byCluster = new LinkedHashMap<>();
    Map<String, Map<String, String>> clusterLevel = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.split("::", -1);
      if (parts.length == 3) {
        clusterLevel.computeIfAbsent(parts[0], c -> new LinkedHashMap<>()).put(parts[1], parts[2]);
      } else if (parts.length == 4) {
        byCluster.computeIfAbsent(parts[0], c -> new LinkedHashMap<>())
            .computeIfAbsent(parts[1], h -> new LinkedHashMap<>()).put(parts[2], parts[3]);
      }
    }
    Map<String, List<Host>> hosts = new LinkedHashMap<>();
    byCluster.forEach((cluster, byHost) -> {
      List<Host> list = new ArrayList<>();
      byHost.forEach((address, stats) -> list.add(new Host(address, stats)));
      hosts.put(cluster, list);
    });
    return new ClusterStats(hosts, clusterLevel);
  }
}
