package dev.corral.sidecar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostSetTest {
  private final Host a = Host.of("127.0.0.1", 1);
  private final Host b = Host.of("127.0.0.1", 2);
  private final Host c = Host.of("127.0.0.1", 3);
  private final Host d = Host.of("127.0.0.1", 4);

  @Test
  void picksOnlyHealthyHostsAboveThePanicThreshold() {
    a.setHealth(HealthFlag.FAILED_OUTLIER_CHECK, true);

    HostSet set = HostSet.of(List.of(a, b, c, d), 50);

    assertThat(set.panic()).isFalse();
    assertThat(set.routable()).containsExactly(b, c, d);
  }

  @Test
  void balancesOverAllHostsBelowThePanicThreshold() {
    a.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);
    b.setHealth(HealthFlag.FAILED_OUTLIER_CHECK, true);
    c.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);

    HostSet set = HostSet.of(List.of(a, b, c, d), 50);

    assertThat(set.panic()).isTrue();
    assertThat(set.routable()).containsExactly(a, b, c, d);
  }

  @Test
  void zeroThresholdDisablesPanic() {
    a.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);
    b.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);
    c.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);
    d.setHealth(HealthFlag.FAILED_ACTIVE_HC, true);

    HostSet set = HostSet.of(List.of(a, b, c, d), 0);

    assertThat(set.panic()).isFalse();
    assertThat(set.routable()).isEmpty();
  }

  @Test
  void aClusterRepublishesItsHostSetWhenHealthChanges() {
    Cluster cluster = TestClusters.of(a, b);
    HostSet before = cluster.hostSet();

    cluster.setHealth(a, HealthFlag.FAILED_ACTIVE_HC, true);

    assertThat(cluster.hostSet()).isNotSameAs(before);
    assertThat(cluster.hostSet().healthy()).containsExactly(b);
    assertThat(a.healthText()).isEqualTo("/failed_active_hc");
  }
}
