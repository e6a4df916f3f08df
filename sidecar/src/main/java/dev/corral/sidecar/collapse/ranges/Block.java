package dev.corral.sidecar.collapse.ranges;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.cache.OffHeap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One fetched block: its bytes (read-only, off the heap when split from a fetch), the total length and
 * the validators of the response it came from, so blocks from different fetches can be checked
 * to belong to one representation before they are stitched together.
 */
public record Block(long index, ByteBuffer data, long totalLength, @Nullable String etag,
    @Nullable String lastModified) {

  public Block {
    requireNonNull(data, "data");
    if (index < 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
    }
    data = data.isReadOnly() ? data : data.asReadOnlyBuffer();
  }

  public int length() {
    return data.remaining();
  }

  /**
   * Cuts a 206 body into blocks. The body must start on a block boundary, as the bodies of
   * {@link BlockPlan.Fetch}es do; a body that does not ({@code contentRange} elsewhere) gives no
   * block, and the last partial block is kept only if it ends the representation.
   */
  public static List<Block> split(ContentRange contentRange, byte[] body, long blockSize,
      @Nullable String etag, @Nullable String lastModified) {
    requireNonNull(contentRange, "contentRange");
    requireNonNull(body, "body");
    List<Block> out = new ArrayList<>();
    if (contentRange.isUnsatisfied() || !contentRange.lengthKnown()
        || contentRange.first() % blockSize != 0 || body.length != contentRange.length()) {
      return out;
    }
    long total = contentRange.completeLength();
    long index = contentRange.first() / blockSize;
    for (int at = 0; at < body.length; at += (int) blockSize, index++) {
      int len = (int) Math.min(blockSize, body.length - at);
      boolean complete = len == blockSize || contentRange.first() + at + len == total;
      if (!complete) {
        break;
      }
      out.add(new Block(index, OffHeap.copy(body, at, len), total, etag, lastModified));
    }
    return out;
  }
}
