package dev.corral.sidecar.collapse.ranges;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.sidecar.collapse.ranges.PartialResponse.Assembly;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartialResponseTest {
  private static final int BS = 64 * 1024;
  private static final int TOTAL = 10 * 1024 * 1024;
  private static final String ETAG = "\"v1\"";

  private static byte[] object(int length) {
    byte[] o = new byte[length];
    new SplittableRandom(42).nextBytes(o);
    return o;
  }

  private static Map<Long, Block> blocksOf(byte[] object, String etag) {
    Map<Long, Block> blocks = new HashMap<>();
    for (long i = 0; i * BS < object.length; i++) {
      int from = (int) (i * BS);
      int to = Math.min(object.length, from + BS);
      blocks.put(i, new Block(i, ByteBuffer.wrap(Arrays.copyOfRange(object, from, to)), object.length, etag, null));
    }
    return blocks;
  }

  private static RangeResolution resolve(String range, long total) {
    return ((ByteRangeSpec.Single) ByteRangeSpec.parse(range).orElseThrow()).resolve(total);
  }

  @Test
  void thousandRandomRangesSlicedFromBlocksEqualTheDirectSlice() {
    byte[] object = object(TOTAL);
    Map<Long, Block> blocks = blocksOf(object, ETAG);
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 1000; n++) {
      String header = switch (random.nextInt(4)) {
        case 0 -> "bytes=" + random.nextInt(TOTAL) + "-";
        case 1 -> "bytes=-" + (1 + random.nextInt(TOTAL + 1000));
        case 2 -> {
          int a = random.nextInt(TOTAL);
          yield "bytes=" + a + "-" + (a + random.nextInt(3 * BS));
        }
        default -> {
          int a = random.nextInt(TOTAL);
          int b = random.nextInt(TOTAL);
          yield "bytes=" + Math.min(a, b) + "-" + Math.max(a, b);
        }
      };
      RangeResolution r = resolve(header, TOTAL);
      Assembly a = PartialResponse.assemble(blocks, r, BS);

      assertThat(a).as(header).isInstanceOf(Assembly.Complete.class);
      PartialResponse p = ((Assembly.Complete) a).response();
      byte[] direct = Arrays.copyOfRange(object, (int) r.first(), (int) r.last() + 1);
      // Arrays.equals: AssertJ's element-wise comparison of MiB arrays is needlessly slow.
      assertThat(Arrays.equals(p.bodyBytes(), direct)).as(header).isTrue();
      assertThat(p.contentLength()).isEqualTo(direct.length);
      assertThat(p.headers()).containsEntry("content-range",
          "bytes " + r.first() + "-" + r.last() + "/" + TOTAL);
    }
  }

  @Test
  void headersCarryContentRangeLengthAndTheValidator() {
    byte[] object = object(3 * BS + 7);
    PartialResponse p = ((Assembly.Complete) PartialResponse.assemble(blocksOf(object, ETAG),
        resolve("bytes=-10", object.length), BS)).response();

    assertThat(p.headers()).containsExactly(
        Map.entry("content-range", "bytes " + (object.length - 10) + "-" + (object.length - 1)
            + "/" + object.length),
        Map.entry("content-length", "10"),
        Map.entry("etag", ETAG));
    assertThat(p.body()).allMatch(java.nio.ByteBuffer::isReadOnly);
  }

  @Test
  void blocksWithDifferentEtagsAreNotCombined() {
    byte[] object = object(4 * BS);
    Map<Long, Block> blocks = blocksOf(object, ETAG);
    Block b2 = blocks.get(2L);
    blocks.put(2L, new Block(2, b2.data(), b2.totalLength(), "\"v2\"", null));

    Assembly a = PartialResponse.assemble(blocks, resolve("bytes=0-", object.length), BS);

    assertThat(a).isInstanceOf(Assembly.Inconsistent.class);
    assertThat(((Assembly.Inconsistent) a).reason()).contains("\"v2\"");
    assertThat(PartialResponse.assemble(blocks, resolve("bytes=0-" + (2 * BS - 1), object.length),
        BS)).isInstanceOf(Assembly.Complete.class);
  }

  @Test
  void weakEtagsOrNoValidatorCannotBeCombined() {
    byte[] object = object(2 * BS);

    assertThat(PartialResponse.assemble(blocksOf(object, "W/\"v1\""),
        resolve("bytes=0-", object.length), BS)).isInstanceOf(Assembly.Inconsistent.class);
    Map<Long, Block> none = new HashMap<>();
    blocksOf(object, ETAG).forEach((i, b) ->
        none.put(i, new Block(i, b.data(), b.totalLength(), null, null)));
    assertThat(PartialResponse.assemble(none, resolve("bytes=0-", object.length), BS))
        .isInstanceOf(Assembly.Inconsistent.class);
  }

  @Test
  void lastModifiedMustMatchWhenThereIsNoEtag() {
    byte[] object = object(2 * BS);
    Map<Long, Block> blocks = new HashMap<>();
    blocks.put(0L, new Block(0, ByteBuffer.wrap(Arrays.copyOfRange(object, 0, BS)), object.length, null, "A"));
    blocks.put(1L, new Block(1, ByteBuffer.wrap(Arrays.copyOfRange(object, BS, 2 * BS)), object.length, null, "A"));
    RangeResolution all = resolve("bytes=0-", object.length);

    assertThat(PartialResponse.assemble(blocks, all, BS)).isInstanceOf(Assembly.Complete.class);
    blocks.put(1L, new Block(1, blocks.get(1L).data(), object.length, null, "B"));
    assertThat(PartialResponse.assemble(blocks, all, BS)).isInstanceOf(Assembly.Inconsistent.class);
  }

  @Test
  void differentTotalLengthsOrShortBlocksAreInconsistent() {
    byte[] object = object(2 * BS);
    Map<Long, Block> blocks = blocksOf(object, ETAG);
    blocks.put(1L, new Block(1, blocks.get(1L).data(), object.length + 1, ETAG, null));
    assertThat(PartialResponse.assemble(blocks, resolve("bytes=0-", object.length), BS))
        .isInstanceOf(Assembly.Inconsistent.class);

    Map<Long, Block> shortBlock = blocksOf(object, ETAG);
    shortBlock.put(0L, new Block(0, ByteBuffer.wrap(new byte[10]), object.length, ETAG, null));
    assertThat(PartialResponse.assemble(shortBlock, resolve("bytes=0-", object.length), BS))
        .isInstanceOf(Assembly.Inconsistent.class);
  }

  @Test
  void missingBlockIsNamed() {
    byte[] object = object(4 * BS);
    Map<Long, Block> blocks = blocksOf(object, ETAG);
    blocks.remove(2L);

    assertThat(PartialResponse.assemble(blocks, resolve("bytes=0-", object.length), BS))
        .isEqualTo(new Assembly.Missing(2));
  }

  @Test
  void splitCutsAFetchedRunIntoBlocks() {
    byte[] object = object(3 * BS + 5);
    ContentRange cr = ContentRange.of(BS, object.length - 1, object.length);
    List<Block> blocks = Block.split(cr, Arrays.copyOfRange(object, BS, object.length), BS,
        ETAG, null);

    assertThat(blocks).extracting(Block::index).containsExactly(1L, 2L, 3L);
    assertThat(blocks.get(2).length()).isEqualTo(5);
    assertThat(blocks.get(0).data()).isEqualTo(ByteBuffer.wrap(Arrays.copyOfRange(object, BS, 2 * BS)));
    assertThat(blocks.get(0).data().isDirect()).isTrue();
    assertThat(Block.split(ContentRange.of(1, 10, 100), new byte[10], BS, ETAG, null)).isEmpty();
  }
}
