package dev.corral.sidecar.cache;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored body: chunks that nobody can change. Each call of {@link #chunks()} hands out fresh
 * read-only views, so concurrent readers never share a buffer position.
 */
public final class CachedBody {
  public static final CachedBody EMPTY = new CachedBody(new byte[0][], 0);

  private final byte[][] chunks;
  private final long length;

  private CachedBody(byte[][] chunks, long length) {
    this.chunks = chunks;
    this.length = length;
  }

  /** Copies the bytes. */
  public static CachedBody copyOf(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new CachedBody(new byte[][] {bytes.clone()}, bytes.length);
  }

  /** Copies the remaining bytes of each buffer, leaving their positions unchanged. */
  public static CachedBody copyOf(List<ByteBuffer> buffers) {
    List<byte[]> out = new ArrayList<>(buffers.size());
    long length = 0;
    for (ByteBuffer b : buffers) {
      byte[] a = new byte[b.remaining()];
      b.duplicate().get(a);
      if (a.length > 0) {
        out.add(a);
        length += a.length;
      }
    }
    return length == 0 ? EMPTY : new CachedBody(out.toArray(new byte[0][]), length);
  }

  public long length() {
    return length;
  }

  /** Read-only views of the chunks, positioned at 0. */
  public List<ByteBuffer> chunks() {
    List<ByteBuffer> out = new ArrayList<>(chunks.length);
    for (byte[] c : chunks) {
      out.add(ByteBuffer.wrap(c).asReadOnlyBuffer());
    }
    return out;
  }

  /** A copy of the whole body. */
  public byte[] toByteArray() {
    byte[] out = new byte[Math.toIntExact(length)];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    return out;
  }
}
