package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corralctl stat [SERVICE] [-n NS] [--window 10s] [-o table|wide|json]}: per-service golden
 * metrics from {@code GET /api/v1/stats}. The table shows what callers see (the outbound side)
 * when a service has callers in the mesh, else its inbound side; cache and collapse ratios fall
 * back to the inbound side (Server placement). {@code wide} shows each direction on its own row.
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Per-service stats: meshed pods, success rate, RPS, latency percentiles, cache hits, collapsing, retries, ejections.")
final class StatCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin ControlPlaneOptions options;

  @Parameters(paramLabel = "SERVICE", arity = "0..1",
      description = "Only this service: name, name.namespace, or the full name (images.shop.svc.cluster.local).")
  @Nullable String service;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only services of this namespace.")
  @Nullable String namespace;

  @Option(names = "--window", paramLabel = "DURATION",
      description = "Look back this far (e.g. 10s, 1m; at most the control plane's --stats-window-s; default: all of it).")
  @Nullable String window;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, wide or json (default: ${DEFAULT-VALUE}).")
  String output = "table";

  @Override
  public void run() {
    if (!List.of("table", "wide", "json").contains(output)) {
      throw new CliException(2, "--output: " + output + " (expected: table, wide or json)");
    }
    JsonNode stats = options.controlPlane().json(path(namespace, window));
    List<JsonNode> services = select(stats, service);
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      ObjectNode filtered = stats.deepCopy();
      ArrayNode array = filtered.putArray("services");
      services.forEach(array::add);
      out.println(Http.pretty(filtered));
    } else if (services.isEmpty()) {
      out.println(noData(stats, service, namespace));
    } else {
      out.print(output.equals("wide") ? wide(services, namespace == null) : table(services, namespace == null));
    }
    out.flush();
    if (services.isEmpty() && service != null) {
      throw new CliException(1, "no stats for service " + service + " in the last " + windowText(stats));
    }
  }

  static String path(@Nullable String namespace, @Nullable String window) {
    StringBuilder path = new StringBuilder("/api/v1/stats");
    char sep = '?';
    if (window != null) {
      path.append(sep).append("window=").append(URLEncoder.encode(window, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (namespace != null) {
      path.append(sep).append("namespace=").append(URLEncoder.encode(namespace, StandardCharsets.UTF_8));
    }
    return path.toString();
  }

  /** The services entries matching {@code service} (every one when null). */
  static List<JsonNode> select(JsonNode stats, @Nullable String service) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : stats.path("services")) {
      if (service == null || matches(s, service)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean matches(JsonNode s, String wanted) {
    String full = Format.text(s, "service", "");
    String name = Format.text(s, "name", full);
    String ns = Format.text(s, "namespace", "");
    return wanted.equals(full) || wanted.equals(name) || wanted.equals(name + "." + ns)
        || full.startsWith(wanted + ".svc");
  }

  /** One row per service: the callers' view (outbound) when there is one, else the inbound side. */
  static String table(List<JsonNode> services, boolean showNamespace) {
    Table t = new Table();
    if (showNamespace) {
      t.left("NAMESPACE");
    }
    t.left("SERVICE").right("MESHED").right("SUCCESS").right("RPS").right("P50").right("P95").right("P99")
        .right("CACHE HIT").right("COLLAPSED").right("RETRIES").right("EJECTED");
    for (Map.Entry<String, Map<String, JsonNode>> e : byService(services).entrySet()) {
      JsonNode out = e.getValue().get("outbound");
      JsonNode in = e.getValue().get("inbound");
      JsonNode main = out != null ? out : in;
      List<String> cells = new ArrayList<>();
      if (showNamespace) {
        cells.add(Format.text(main, "namespace", Format.NONE));
      }
      cells.add(Format.text(main, "name", Format.text(main, "service", "")));
      cells.add(meshed(main));
      cells.addAll(golden(main));
      cells.add(Format.percent(firstNumber("cacheHitRatio", out, in)));
      cells.add(Format.percent(firstNumber("collapseRatio", in, out)));
      cells.add(Format.count(Format.integer(main, "retries")));
      cells.add(Format.count(Format.integer(main, "ejections")));
      t.row(cells.toArray(String[]::new));
    }
    return t.render();
  }

  /** One row per service and direction, with requests, errors and reporting sidecars. */
  static String wide(List<JsonNode> services, boolean showNamespace) {
    Table t = new Table();
    if (showNamespace) {
      t.left("NAMESPACE");
    }
    t.left("SERVICE").left("DIRECTION").right("MESHED").right("REQUESTS").right("ERRORS")
        .right("SUCCESS").right("RPS").right("P50").right("P95").right("P99")
        .right("CACHE HIT").right("COLLAPSED").right("RETRIES").right("RETRIES/S").right("EJECTED").right("SIDECARS");
    for (Map<String, JsonNode> directions : byService(services).values()) {
      for (JsonNode s : directions.values()) {
        List<String> cells = new ArrayList<>();
        if (showNamespace) {
          cells.add(Format.text(s, "namespace", Format.NONE));
        }
        cells.add(Format.text(s, "name", Format.text(s, "service", "")));
        cells.add(Format.text(s, "direction", Format.NONE));
        cells.add(meshed(s));
        cells.add(Format.count(Format.integer(s, "requests")));
        cells.add(Format.count(Format.integer(s, "errors")));
        cells.addAll(golden(s));
        cells.add(Format.percent(Format.number(s, "cacheHitRatio")));
        cells.add(Format.percent(Format.number(s, "collapseRatio")));
        cells.add(Format.count(Format.integer(s, "retries")));
        Double perSecond = Format.number(s, "retriesPerSecond");
        cells.add(perSecond == null ? Format.NONE : String.format(Locale.ROOT, "%.2f", perSecond));
        cells.add(Format.count(Format.integer(s, "ejections")));
        cells.add(Format.count(Format.integer(s, "sidecars")));
        t.row(cells.toArray(String[]::new));
      }
    }
    return t.render();
  }

  /** SUCCESS, RPS, P50, P95, P99: {@code -} for latency and success when nothing was counted. */
  private static List<String> golden(JsonNode s) {
    JsonNode latency = s.path("latencyMs");
    Long requests = Format.integer(s, "requests");
    boolean any = requests != null && requests > 0;
    return List.of(
        Format.percent(Format.number(s, "successRate")),
        any || Format.number(s, "rps") != null ? Format.rps(Format.number(s, "rps")) : Format.NONE,
        Format.millis(Format.number(latency, "p50")),
        Format.millis(Format.number(latency, "p95")),
        Format.millis(Format.number(latency, "p99")));
  }

  private static String meshed(JsonNode s) {
    JsonNode pods = s.get("pods");
    if (pods == null || pods.isNull()) {
      return Format.NONE;
    }
    return pods.path("meshed").asInt() + "/" + pods.path("total").asInt();
  }

  private static @Nullable Double firstNumber(String field, @Nullable JsonNode first, @Nullable JsonNode second) {
    Double v = Format.number(first, field);
    return v != null ? v : Format.number(second, field);
  }

  /** service → direction → entry, in the API's order (sorted by service, then direction). */
  private static Map<String, Map<String, JsonNode>> byService(List<JsonNode> services) {
    Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
    for (JsonNode s : services) {
      out.computeIfAbsent(Format.text(s, "service", ""), k -> new LinkedHashMap<>())
          .put(Format.text(s, "direction", ""), s);
    }
    return out;
  }

  static String noData(JsonNode stats, @Nullable String service, @Nullable String namespace) {
    String what = service != null ? "service " + service : namespace != null ? "namespace " + namespace : "any service";
    return "No traffic for " + what + " in the last " + windowText(stats)
        + " (" + stats.path("sidecars").asInt() + " sidecars reported).";
  }

  private static String windowText(JsonNode stats) {
    double seconds = stats.path("windowSeconds").asDouble();
    return seconds == Math.rint(seconds) ? (long) seconds + "s" : seconds + "s";
  }
}
