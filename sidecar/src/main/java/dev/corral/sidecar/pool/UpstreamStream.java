package dev.corral.sidecar.pool;

import dev.corral.sidecar.cluster.Host;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;

/**
 * One request's slot on an upstream connection: a whole HTTP/1.1 connection for the length of an
 * exchange, or one HTTP/2 stream. Request parts go in through {@link #write}; the response comes
 * back through the {@link UpstreamListener} the slot was acquired for.
 */
public interface UpstreamStream {
  Host host();

  /** Writes a request part (head, body chunk, last chunk with trailers); {@link #flush} sends it. */
  void write(HttpObject part);

  void flush();

  /** False while the socket or the HTTP/2 stream window is full: stop reading the downstream. */
  boolean isWritable();

  /** Pauses or resumes reading the response, for back-pressure from a slow downstream. */
  void setAutoRead(boolean autoRead);

  /** The exchange ended cleanly: the connection may serve another request. */
  void release();

  /** The exchange was abandoned: close the connection (HTTP/1.1) or reset the stream (HTTP/2). */
  void reset();

  /**
   * Hands the raw connection over after a {@code 101 Switching Protocols} (WebSocket and other
   * upgrades): HTTP handlers are removed and the pool forgets the connection.
   */
  Channel upgrade();
}
