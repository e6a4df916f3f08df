package dev.corral.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void parsesBinaryAndDecimalSuffixes() {
    assertThat(Quantities.parseBytes("64Ki")).isEqualTo(64 * 1024L);
    assertThat(Quantities.parseBytes("64Mi")).isEqualTo(64L << 20);
    assertThat(Quantities.parseBytes("1.5Gi")).isEqualTo(3L << 29);
    assertThat(Quantities.parseBytes("500k")).isEqualTo(500_000L);
    assertThat(Quantities.parseBytes("2M")).isEqualTo(2_000_000L);
    assertThat(Quantities.parseBytes("1e3")).isEqualTo(1000L);
    assertThat(Quantities.parseBytes("1024")).isEqualTo(1024L);
    assertThat(Quantities.parseBytes("0")).isZero();
  }

  @Test
  void refusesBadSizesWithPreciseMessages() {
    assertThatThrownBy(() -> Quantities.parseBytes("64MB")).hasMessageStartingWith("\"64MB\": unknown suffix \"MB\" (expected one of Ki, Mi");
    assertThatThrownBy(() -> Quantities.parseBytes("64MB")).hasMessageContaining("for MB write Mi");
    assertThatThrownBy(() -> Quantities.parseBytes("100m")).hasMessageContaining("milli");
    assertThatThrownBy(() -> Quantities.parseBytes("0.5")).hasMessageContaining("whole number of bytes");
    assertThatThrownBy(() -> Quantities.parseBytes("-1Mi")).hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> Quantities.parseBytes("Mi")).hasMessageContaining("expected a number");
    assertThatThrownBy(() -> Quantities.parseBytes("16Ei")).hasMessageContaining("too large");
  }
}
