package dev.corral.sidecar.collapse.ranges;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.collapse.ranges.ByteRangeSpec.From;
import dev.corral.sidecar.collapse.ranges.ByteRangeSpec.FromTo;
import dev.corral.sidecar.collapse.ranges.ByteRangeSpec.Suffix;
import org.junit.jupiter.api.Test;

class ByteRangeSpecTest {
  private static ByteRangeSpec parse(String s) {
    return ByteRangeSpec.parse(s).orElseThrow();
  }

  private static RangeResolution resolve(String s, long total) {
    return ((ByteRangeSpec.Single) parse(s)).resolve(total);
  }

  @Test
  void parsesTheThreeFormsOfOneRange() {
    assertThat(parse("bytes=0-499")).isEqualTo(new FromTo(0, 499));
    assertThat(parse("bytes=9500-")).isEqualTo(new From(9500));
    assertThat(parse("bytes=-500")).isEqualTo(new Suffix(500));
    assertThat(parse("bytes=0-0")).isEqualTo(new FromTo(0, 0));
  }

  @Test
  void unitIsCaseInsensitiveAndSurroundingWhitespaceIsAllowed() {
    assertThat(parse("  Bytes=0-1 ")).isEqualTo(new FromTo(0, 1));
    assertThat(parse("bytes= 0-1")).isEqualTo(new FromTo(0, 1));
  }

  @Test
  void severalRangesAreAMultipleToPassThrough() {
    ByteRangeSpec spec = parse("bytes=0-1, 5-6 ,-3");

    assertThat(spec.isMultiple()).isTrue();
    assertThat(((ByteRangeSpec.Multiple) spec).ranges())
        .containsExactly(new FromTo(0, 1), new FromTo(5, 6), new Suffix(3));
    assertThat(parse("bytes=0-1,,").isMultiple()).isFalse();
  }

  @Test
  void invalidFieldsAreIgnored() {
    for (String bad : new String[] {"bytes=5-2", "bytes=", "bytes=-", "bytes=a-b", "bytes=0 -1",
        "bytes=0-1-2", "items=0-1", "0-1", "bytes 0-1", "bytes=1-2,5-2", "bytes=+1-2", ""}) {
      assertThat(ByteRangeSpec.parse(bad)).as(bad).isEmpty();
    }
    assertThat(ByteRangeSpec.parse(null)).isEmpty();
  }

  @Test
  void hugeNumbersSaturateInsteadOfOverflowing() {
    assertThat(parse("bytes=0-99999999999999999999999")).isEqualTo(new FromTo(0, Long.MAX_VALUE));
    assertThat(resolve("bytes=99999999999999999999999-", 100).satisfiable()).isFalse();
  }

  @Test
  void resolvesAgainstTheLengthClippingTheLastByte() {
    RangeResolution r = resolve("bytes=90-200", 100);

    assertThat(r.satisfiable()).isTrue();
    assertThat(r.first()).isEqualTo(90);
    assertThat(r.last()).isEqualTo(99);
    assertThat(r.contentRange().format()).isEqualTo("bytes 90-99/100");
    assertThat(resolve("bytes=0-0", 100).length()).isEqualTo(1);
    assertThat(resolve("bytes=10-", 100).contentRange().format()).isEqualTo("bytes 10-99/100");
  }

  @Test
  void suffixLargerThanTheObjectSelectsAllOfIt() {
    RangeResolution r = resolve("bytes=-500", 100);

    assertThat(r.first()).isZero();
    assertThat(r.last()).isEqualTo(99);
    assertThat(resolve("bytes=-10", 100).first()).isEqualTo(90);
  }

  @Test
  void startAtOrBeyondTheEndIsUnsatisfiable() {
    RangeResolution r = resolve("bytes=100-200", 100);

    assertThat(r.kind()).isEqualTo(RangeResolution.Kind.UNSATISFIABLE);
    assertThat(r.contentRange().format()).isEqualTo("bytes */100");
    assertThat(resolve("bytes=150-", 100).satisfiable()).isFalse();
    assertThat(resolve("bytes=-0", 100).satisfiable()).isFalse();
  }

  @Test
  void zeroLengthRepresentationIsServedWholeForASuffixAndRefusedOtherwise() {
    assertThat(resolve("bytes=-5", 0).kind()).isEqualTo(RangeResolution.Kind.WHOLE_REPRESENTATION);
    assertThat(resolve("bytes=0-5", 0).kind()).isEqualTo(RangeResolution.Kind.UNSATISFIABLE);
  }
}
