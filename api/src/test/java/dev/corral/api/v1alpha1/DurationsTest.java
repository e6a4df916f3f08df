package dev.corral.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesKubernetesStyleDurations() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesBadDurationsWithPreciseMessages() {
    assertThatThrownBy(() -> Durations.parse("5x")).hasMessage("\"5x\": unknown unit \"x\" (expected one of ns, us, ms, s, m, h)");
    assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("missing unit after 5");
    assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty duration");
    assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("sign is not allowed");
    assertThatThrownBy(() -> Durations.parse("1d")).hasMessageContaining("unknown unit \"d\"");
    assertThatThrownBy(() -> Durations.parse("s")).hasMessageContaining("expected a number at position 0");
    assertThatThrownBy(() -> Durations.parse("1..5s")).hasMessageContaining("\"1..5\" is not a number");
  }
}
