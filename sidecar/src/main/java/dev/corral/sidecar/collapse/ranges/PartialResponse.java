package dev.corral.sidecar.collapse.ranges;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A 206 built from blocks: the body as read-only slices of the blocks (no copy), and its
 * {@code Content-Range}, {@code Content-Length} and validator fields.
 */
public record PartialResponse(ContentRange contentRange, List<ByteBuffer> body,
    @Nullable String etag, @Nullable String lastModified) {

  public PartialResponse {
    body = List.copyOf(body);
  }

  /** The result of {@link #assemble}: a response, or why the blocks cannot make one. */
  public sealed interface Assembly {
    /** The blocks make the response. */
    record Complete(PartialResponse response) implements Assembly {}

    /** A block the range needs is not there: fetch it. */
    record Missing(long blockIndex) implements Assembly {}

    /**
     * The blocks are of different representations (validators or lengths differ) or malformed:
     * forget them and forward the client's request as it is.
     */
    record Inconsistent(String reason) implements Assembly {}
  }

  public long contentLength() {
    return contentRange.length();
  }

  /** Content-Range, Content-Length and whichever validators the blocks carry, lower-case names. */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("content-range", contentRange.format());
    h.put("content-length", Long.toString(contentLength()));
    if (etag != null) {
      h.put("etag", etag);
    }
    if (lastModified != null) {
      h.put("last-modified", lastModified);
    }
    return h;
  }

  /** A copy of the body, for tests and small responses. */
  public byte[] bodyBytes() {
    byte[] out = new byte[Math.toIntExact(contentLength())];
    int at = 0;
    for (ByteBuffer b : body) {
      ByteBuffer d = b.duplicate();
      int n = d.remaining();
      d.get(out, at, n);
      at += n;
    }
    return out;
  }

  /**
   * Builds the 206 for a satisfiable {@code range} from {@code blocks} (by index). Every block
   * used must come from the same representation: the same total length and the same strong
   * ETag, or, when there is no ETag, the same Last-Modified (RFC 9110 §14.3 combining rules);
   * blocks with a weak ETag or no validator at all cannot be combined.
   */
  public static Assembly assemble(Map<Long, Block> blocks, RangeResolution range,
      long blockSize) {
    requireNonNull(blocks, "blocks");
    requireNonNull(range, "range");
    BlockPlan plan = BlockPlan.covering(range, blockSize);
    long total = range.totalLength();
    List<ByteBuffer> slices = new ArrayList<>((int) plan.blockCount());
    Block reference = null;
    for (long i = plan.firstBlock(); i <= plan.lastBlock(); i++) {
      Block b = blocks.get(i);
      if (b == null) {
        return new Assembly.Missing(i);
      }
      if (reference == null) {
        reference = b;
        String problem = validatorProblem(b);
        if (problem != null) {
          return new Assembly.Inconsistent(problem);
        }
      } else {
        String problem = mismatch(reference, b);
        if (problem != null) {
          return new Assembly.Inconsistent(problem);
        }
      }
      if (b.totalLength() != total) {
        return new Assembly.Inconsistent("block " + i + " has length " + b.totalLength()
            + ", the range " + total);
      }
      long expected = BlockPlan.blockLength(i, blockSize, total);
      if (b.length() != expected) {
        return new Assembly.Inconsistent(
            "block " + i + " has " + b.length() + " bytes (expected: " + expected + ")");
      }
      long blockStart = i * blockSize;
      int from = (int) Math.max(0, range.first() - blockStart);
      int to = (int) Math.min(b.length(), range.last() - blockStart + 1);
      slices.add(b.data().duplicate().position(from).limit(to).slice());
    }
    return new Assembly.Complete(new PartialResponse(range.contentRange(), slices,
        reference.etag(), reference.etag() == null ? reference.lastModified() : null));
  }

  private static @Nullable String validatorProblem(Block b) {
    if (b.etag() != null) {
      return b.etag().strip().startsWith("W/") ? "weak etag " + b.etag() : null;
    }
    return b.lastModified() == null ? "no validator" : null;
  }

  private static @Nullable String mismatch(Block ref, Block b) {
    if (ref.etag() != null) {
      return ref.etag().equals(b.etag()) ? null
          : "etag " + b.etag() + " of block " + b.index() + " differs from " + ref.etag();
    }
    return b.etag() == null && ref.lastModified().equals(b.lastModified()) ? null
        : "last-modified of block " + b.index() + " differs";
  }
}
