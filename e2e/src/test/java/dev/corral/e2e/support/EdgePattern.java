package dev.corral.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

/**
 * A body of any length made on the fly and checkable at every offset, so that bodies of a GiB
 * are neither held in memory nor compared by size alone: 64 KiB blocks of fixed random bytes,
 * each starting with its block number, so a lost, repeated or reordered block is caught.
 */
public final class EdgePattern {
  private static final int BLOCK = 64 * 1024;
  private static final byte[] BASE = new byte[BLOCK];

  static {
    new Random(7).nextBytes(BASE);
  }

  private EdgePattern() {}

  /** The byte at {@code offset}. */
  public static byte at(long offset) {
    int j = (int) (offset & (BLOCK - 1));
    return j < 8 ? (byte) ((offset >>> 16) >>> (56 - 8 * j)) : BASE[j];
  }

  /** Writes the first {@code length} bytes of the pattern. */
  public static void write(OutputStream out, long length) throws IOException {
    byte[] block = BASE.clone();
    for (long offset = 0; offset < length; offset += BLOCK) {
      long k = offset >>> 16;
      for (int j = 0; j < 8; j++) {
        block[j] = (byte) (k >>> (56 - 8 * j));
      }
      out.write(block, 0, (int) Math.min(BLOCK, length - offset));
    }
  }

  /** Reads {@code in} to its end, checking every byte; the result says how many and the first mismatch. */
  public static Check check(InputStream in) throws IOException {
    return check(in, 0);
  }

  /** Reads exactly {@code length} bytes of {@code in} (which is at pattern offset {@code from}), checking each. */
  public static Check check(InputStream in, long from, long length) throws IOException {
    return check(new Bounded(in, length), from);
  }

  private static Check check(InputStream in, long from) throws IOException {
    byte[] buffer = new byte[BLOCK];
    long offset = from;
    long firstMismatch = -1;
    int n;
    while ((n = in.read(buffer)) != -1) {
      if (firstMismatch < 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] != at(offset + i)) {
            firstMismatch = offset + i;
            break;
          }
        }
      }
      offset += n;
    }
    return new Check(offset - from, firstMismatch);
  }

  /** How many bytes were read, and the offset of the first one that was wrong (-1: none). */
  public record Check(long bytes, long firstMismatch) {}

  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long left) {
      this.in = in;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
