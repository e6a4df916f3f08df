package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {
  @Test
  void percentagesHaveTwoDecimals() {
    assertThat(Format.percent(0.995)).isEqualTo("99.50%");
    assertThat(Format.percent(1.0)).isEqualTo("100.00%");
    assertThat(Format.percent(0.0)).isEqualTo("0.00%");
  }

  @Test
  void ratesKeepThreeSignificantDigits() {
    assertThat(Format.rps(12.34)).isEqualTo("12.3rps");
    assertThat(Format.rps(1234.4)).isEqualTo("1234rps");
    assertThat(Format.rps(0.25)).isEqualTo("0.25rps");
    assertThat(Format.rps(0.0)).isEqualTo("0.00rps");
  }

  @Test
  void latenciesAreInMillisecondsUntilASecond() {
    assertThat(Format.millis(0.42)).isEqualTo("0.4ms");
    assertThat(Format.millis(4.2)).isEqualTo("4.2ms");
    assertThat(Format.millis(42.4)).isEqualTo("42ms");
    assertThat(Format.millis(1250.0)).isEqualTo("1.25s");
  }

  @Test
  void missingDataIsADash() {
    assertThat(Format.percent(null)).isEqualTo("-");
    assertThat(Format.rps(null)).isEqualTo("-");
    assertThat(Format.millis(null)).isEqualTo("-");
    assertThat(Format.count(null)).isEqualTo("-");
  }
}
