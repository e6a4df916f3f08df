package dev.corral.sidecar.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SidecarMetricsTest {
  @Test
  void exportsEveryDecisionOfAClusterAndListener() {
    SidecarMetrics metrics = new SidecarMetrics();
    ClusterStats cluster = metrics.cluster("images");
    ListenerStats listener = metrics.listener("outbound");

    cluster.requestStarted();
    cluster.requestDone(503, 1_000_000);
    cluster.retry("503");
    cluster.retryOverflow();
    cluster.requestOverflow();
    cluster.ejected("consecutive_5xx");
    cluster.healthTransition(false);
    cluster.membership(3, 2);
    listener.requestDone(200, 2_000_000);
    listener.rejected(431);
    String text = new String(metrics.scrape(), StandardCharsets.UTF_8);

    assertThat(text)
        .contains("corral_upstream_rq_total{cluster=\"images\",response_class=\"5xx\"} 1.0")
        .contains("corral_upstream_rq_retry_total{cluster=\"images\",reason=\"503\"} 1.0")
        .contains("corral_upstream_rq_retry_overflow_total{cluster=\"images\"} 1.0")
        .contains("corral_upstream_overflow_total{cluster=\"images\",limit=\"max_requests\"} 1.0")
        .contains("corral_outlier_ejections_total{cluster=\"images\",type=\"consecutive_5xx\"} 1.0")
        .contains("corral_outlier_ejected_hosts{cluster=\"images\"} 1.0")
        .contains("corral_health_check_transitions_total{cluster=\"images\",to=\"unhealthy\"} 1.0")
        .contains("corral_membership_healthy{cluster=\"images\"} 2.0")
        .contains("corral_membership_hosts{cluster=\"images\"} 3.0")
        .contains("corral_downstream_rq_total{listener=\"outbound\",response_class=\"2xx\"} 1.0")
        .contains("corral_downstream_rq_rejected_total{code=\"431\",listener=\"outbound\"} 1.0");
  }
}
