package dev.corral.sidecar.cache;

import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where stored bytes live: JDK direct buffers, outside the sidecar's small heap, so a cache's
 * {@code max_size} is not bounded by {@code -Xmx}. Buffers are never freed by hand: readers hold
 * read-only views of them, and a buffer's memory goes back when the last view is collected (the
 * JDK collects and retries before it refuses an allocation). Netty's own buffers are counted
 * separately ({@code -Dio.netty.maxDirectMemory} in sidecar/jvm.options).
 */
public final class OffHeap {
  private static final Logger log = LoggerFactory.getLogger(OffHeap.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private OffHeap() {}

  /** The bytes direct buffers may take in all ({@code -XX:MaxDirectMemorySize}). */
  public static long limit() {
    return PlatformDependent.estimateMaxDirectMemory();
  }

  /** A read-only copy of {@code src[offset, offset + length)}. */
  public static ByteBuffer copy(byte[] src, int offset, int length) {
    return copy(List.of(ByteBuffer.wrap(src, offset, length)), length);
  }

  /** A read-only copy of the remaining bytes of {@code parts} (their positions stay unchanged). */
  public static ByteBuffer copy(List<ByteBuffer> parts) {
    long length = 0;
    for (ByteBuffer p : parts) {
      length += p.remaining();
    }
    return copy(parts, Math.toIntExact(length));
  }

  private static ByteBuffer copy(List<ByteBuffer> parts, int length) {
    ByteBuffer out = allocate(length);
    for (ByteBuffer p : parts) {
      out.put(p.duplicate());
    }
    return out.flip().asReadOnlyBuffer();
  }

  /**
   * A direct buffer, or a heap one when direct memory is exhausted even after the JDK collected:
   * only possible when stores together are configured above the limit; the response is still served.
   */
  private static ByteBuffer allocate(int length) {
    try {
      return ByteBuffer.allocateDirect(length);
    } catch (OutOfMemoryError e) {
      if (warned.compareAndSet(false, true)) {
        log.warn("direct memory exhausted ({} bytes allowed): storing {} bytes on the heap; lower the"
            + " stores' max_size or raise -XX:MaxDirectMemorySize", limit(), length);
      }
      return ByteBuffer.allocate(length);
    }
  }
}
