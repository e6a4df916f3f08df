package dev.corral.sidecar.http;

import dev.corral.sidecar.pool.UpstreamStream;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body parts kept so that a retry can send them again, up to a byte limit (like
 * linkerd's ReplayBody). Past the limit the parts are dropped and the request can no longer be
 * retried; the original parts stream on to the current try either way.
 */
final class ReplayBuffer {
  /** For routes without retries: keeps nothing, never replayable beyond the first try. */
  static final ReplayBuffer DISABLED = new ReplayBuffer(-1);

  private final int limit;
  private final List<HttpContent> parts = new ArrayList<>(2);
  private int bytes;
  private boolean replayable;

  ReplayBuffer(int limit) {
    this.limit = limit;
    this.replayable = limit >= 0;
  }

  boolean replayable() {
    return replayable;
  }

  /** Keeps a duplicate of {@code part} while the body still fits. */
  void add(HttpContent part) {
    if (!replayable) {
      return;
    }
    bytes += part.content().readableBytes();
    if (bytes > limit) {
      release();
      return;
    }
    parts.add(part.retainedDuplicate());
  }

  /** Sends every kept part again (each write consumes its own duplicate). */
  void writeTo(UpstreamStream stream) {
    for (HttpContent part : parts) {
      stream.write(part.retainedDuplicate());
    }
  }

  /** Drops the kept parts; the request can no longer be replayed. */
  void release() {
    if (limit < 0) {
      return;
    }
    replayable = false;
    for (HttpContent part : parts) {
      part.release();
    }
    parts.clear();
  }
}
