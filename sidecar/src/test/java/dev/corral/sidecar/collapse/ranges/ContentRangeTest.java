package dev.corral.sidecar.collapse.ranges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContentRangeTest {
  @Test
  void parsesAndFormatsRoundTrip() {
    for (String s : new String[] {"bytes 0-65535/10485760", "bytes 5-5/6", "bytes 0-9/*",
        "bytes */100"}) {
      assertThat(ContentRange.parse(s).orElseThrow().format()).as(s).isEqualTo(s);
    }
  }

  @Test
  void exposesTheRangeAndTheCompleteLength() {
    ContentRange r = ContentRange.parse("bytes 0-65535/10485760").orElseThrow();

    assertThat(r.first()).isZero();
    assertThat(r.last()).isEqualTo(65535);
    assertThat(r.completeLength()).isEqualTo(10485760);
    assertThat(r.length()).isEqualTo(65536);
    assertThat(ContentRange.parse("bytes 0-9/*").orElseThrow().lengthKnown()).isFalse();
  }

  @Test
  void invalidValuesParseToNothing() {
    for (String bad : new String[] {"bytes 5-2/10", "bytes 0-10/10", "bytes 0-1", "items 0-1/2",
        "bytes */*", "bytes -1-2/3", "bytes 0-x/3", "", "bytes 0-1/99999999999999999999"}) {
      assertThat(ContentRange.parse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void refusesToBuildAnImpossibleRange() {
    assertThatThrownBy(() -> ContentRange.of(5, 10, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
  }
}
