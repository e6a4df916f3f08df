package dev.corral.sidecar.cache;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A stored body: bytes off the heap ({@link OffHeap}) that nobody can change. Each call of
 * {@link #chunks()} hands out a fresh read-only view, so concurrent readers never share a position.
 */
public final class CachedBody {
  public static final CachedBody EMPTY = new CachedBody(ByteBuffer.allocate(0).asReadOnlyBuffer());

  private final ByteBuffer data;

  private CachedBody(ByteBuffer data) {
    this.data = data;
  }

  /** Copies the bytes. */
  public static CachedBody copyOf(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new CachedBody(OffHeap.copy(bytes, 0, bytes.length));
  }

  /** Copies the remaining bytes of each buffer, leaving their positions unchanged. */
  public static CachedBody copyOf(List<ByteBuffer> buffers) {
    ByteBuffer data = OffHeap.copy(buffers);
    return data.remaining() == 0 ? EMPTY : new CachedBody(data);
  }

  public long length() {
    return data.remaining();
  }

  /** Read-only views of the body, positioned at 0. */
  public List<ByteBuffer> chunks() {
    return List.of(data.duplicate());
  }

  /** A copy of the whole body. */
  public byte[] toByteArray() {
    byte[] out = new byte[data.remaining()];
    data.duplicate().get(out);
    return out;
  }
}
