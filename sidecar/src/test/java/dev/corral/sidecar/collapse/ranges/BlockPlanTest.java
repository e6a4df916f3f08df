package dev.corral.sidecar.collapse.ranges;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.collapse.ranges.BlockPlan.Fetch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockPlanTest {
  private static final long BS = 64 * 1024;
  private static final long TOTAL = 10L * 1024 * 1024;

  private static BlockPlan plan(String range, long total) {
    RangeResolution r = ((ByteRangeSpec.Single) ByteRangeSpec.parse(range).orElseThrow())
        .resolve(total);
    return BlockPlan.covering(r, BS);
  }

  @Test
  void coversTheRangeWithWholeBlocks() {
    BlockPlan p = plan("bytes=65535-65536", TOTAL);

    assertThat(p.firstBlock()).isZero();
    assertThat(p.lastBlock()).isEqualTo(1);
    assertThat(plan("bytes=0-0", TOTAL).blockCount()).isEqualTo(1);
    assertThat(plan("bytes=-1", TOTAL).firstBlock()).isEqualTo(159);
  }

  @Test
  void fetchesAllMissingBlocksAsOneRun() {
    List<Fetch> f = plan("bytes=100-200000", TOTAL).fetches(b -> false, 16);

    assertThat(f).containsExactly(new Fetch(0, 3, 0, 4 * BS - 1));
    assertThat(f.get(0).rangeHeader()).isEqualTo("bytes=0-262143");
  }

  @Test
  void skipsPresentAndInFlightBlocksAndSplitsRunsAroundThem() {
    Set<Long> available = Set.of(2L, 3L, 6L);
    List<Fetch> f = plan("bytes=0-" + (8 * BS - 1), TOTAL).fetches(available::contains, 16);

    assertThat(f).extracting(Fetch::firstBlock, Fetch::lastBlock)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 1L),
            org.assertj.core.groups.Tuple.tuple(4L, 5L),
            org.assertj.core.groups.Tuple.tuple(7L, 7L));
  }

  @Test
  void nothingToFetchWhenEveryBlockIsAvailable() {
    assertThat(plan("bytes=0-999999", TOTAL).fetches(b -> true, 16)).isEmpty();
  }

  @Test
  void splitsLongRunsAtMaxBlocksPerFetch() {
    List<Fetch> f = plan("bytes=0-" + (40 * BS - 1), TOTAL).fetches(b -> false, 16);

    assertThat(f).extracting(Fetch::blockCount).containsExactly(16L, 16L, 8L);
    assertThat(f).extracting(Fetch::firstBlock).containsExactly(0L, 16L, 32L);
    assertThat(plan("bytes=0-" + (3 * BS - 1), TOTAL).fetches(b -> false, 1)).hasSize(3);
  }

  @Test
  void lastBlockIsClippedToTheTotalLength() {
    long total = 3 * BS + 10;
    List<Fetch> f = plan("bytes=-5", total).fetches(b -> false, 16);

    assertThat(f).containsExactly(new Fetch(3, 3, 3 * BS, total - 1));
    assertThat(BlockPlan.blockLength(3, BS, total)).isEqualTo(10);
    assertThat(BlockPlan.blockCount(BS, total)).isEqualTo(4);
  }

  @Test
  void probeWithoutLengthAsksForTheFirstRunOrBlockZeroForASuffix() {
    assertThat(BlockPlan.probe(new ByteRangeSpec.FromTo(BS + 1, 2 * BS), BS, 16))
        .isEqualTo(new Fetch(1, 2, BS, 3 * BS - 1));
    assertThat(BlockPlan.probe(new ByteRangeSpec.From(0), BS, 4).rangeHeader())
        .isEqualTo("bytes=0-" + (4 * BS - 1));
    assertThat(BlockPlan.probe(new ByteRangeSpec.Suffix(100), BS, 16))
        .isEqualTo(new Fetch(0, 0, 0, BS - 1));
  }
}
