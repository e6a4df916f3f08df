package dev.corral.controlplane.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsMetrics;
import dev.corral.controlplane.xds.XdsMetrics;
import dev.corral.sidecar.stats.SidecarMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metric names in docs/metrics.md, in the code (the control plane's and the sidecar's
 * registries) and in the Grafana dashboard (helm/corral/dashboards/corral.json) agree, and follow
 * the naming conventions.
 */
class MetricNamesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern DOC_ROW = Pattern.compile("^\\| `(corral_[a-z0-9_]+)` \\| (counter|gauge|histogram) \\|",
      Pattern.MULTILINE);
  private static final Pattern NAME = Pattern.compile("\\bcorral_[a-z0-9_]+\\b");

  @Test
  void everyExportedMetricIsDocumentedWithItsTypeAndNothingElseIs() throws Exception {
    Map<String, String> exported = exported();
    Map<String, String> documented = documented();
    assertThat(documented).as("docs/metrics.md vs the registries").isEqualTo(exported);
  }

  @Test
  void namesFollowPrometheusConventions() throws Exception {
    exported().forEach((name, type) -> {
      assertThat(name).startsWith("corral_");
      switch (type) {
        case "counter" -> assertThat(name).as("a counter").endsWith("_total");
        case "histogram" -> assertThat(name).as("a histogram in base units").endsWith("_seconds");
        default -> assertThat(name).as("a gauge").doesNotEndWith("_total").doesNotContain("per_second");
      }
    });
  }

  @Test
  void theGrafanaDashboardUsesOnlyExportedMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("helm/corral/dashboards/corral.json").toFile());
    assertThat(dashboard.get("uid").asText()).isEqualTo("corral-mesh");
    Map<String, String> exported = exported();
    Set<String> used = new TreeSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries++;
        used.addAll(names(target.get("expr").asText()));
        assertThat(target.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
      }
    }
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      used.addAll(names(variable.path("definition").asText()));
    }
    assertThat(queries).isGreaterThanOrEqualTo(10);
    for (String name : used) {
      String base = name.replaceFirst("_(bucket|count|sum)$", "");
      boolean histogramSeries = !base.equals(name) && "histogram".equals(exported.get(base));
      assertThat(histogramSeries || exported.containsKey(name)).as("%s is exported", name).isTrue();
    }
    assertThat(used).contains("corral_service_requests_total", "corral_service_request_duration_seconds_bucket",
        "corral_service_cache_lookups_total", "corral_service_collapsed_requests_total",
        "corral_service_retries_total", "corral_service_ejections_total", "corral_xds_pushes_total",
        "corral_xds_nacks_total");
  }

  /** Name → type of every metric of the control plane's registry and the sidecar's. */
  private static Map<String, String> exported() {
    PrometheusRegistry controlPlane = new PrometheusRegistry();
    new XdsMetrics(controlPlane);
    StatsMetrics.register(controlPlane, StatsAggregator.create());
    Map<String, String> names = new HashMap<>();
    for (PrometheusRegistry registry : new PrometheusRegistry[] {controlPlane, new SidecarMetrics().registry()}) {
      for (MetricSnapshot snapshot : registry.scrape()) {
        String name = snapshot.getMetadata().getPrometheusName();
        if (snapshot instanceof CounterSnapshot) {
          names.put(name + "_total", "counter");
        } else if (snapshot instanceof HistogramSnapshot) {
          names.put(name, "histogram");
        } else {
          names.put(name, "gauge");
        }
      }
    }
    return names;
  }

  private static Map<String, String> documented() throws Exception {
    Matcher rows = DOC_ROW.matcher(Files.readString(ROOT.resolve("docs/metrics.md")));
    Map<String, String> names = new HashMap<>();
    while (rows.find()) {
      names.put(rows.group(1), rows.group(2));
    }
    return names;
  }

  private static Set<String> names(String promql) {
    Set<String> out = new TreeSet<>();
    Matcher m = NAME.matcher(promql);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
