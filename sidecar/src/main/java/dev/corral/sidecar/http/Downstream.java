package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one exchange: an HTTP/1.1 connection (one exchange at a time, pipelined
 * requests queued in order) or one HTTP/2 stream. Implementations own protocol details such as
 * keep-alive and framing headers, so the exchange stays protocol-neutral.
 */
interface Downstream {
  EventLoop eventLoop();

  InetSocketAddress remoteAddress();

  /** The client's IP address as text, for x-forwarded-for. */
  default String clientIp() {
    return remoteAddress().getAddress().getHostAddress();
  }

  /** The address the client connected to before iptables redirected it here; null when not redirected. */
  default @Nullable InetSocketAddress originalDestination() {
    return null;
  }

  /** Writes the response head, adding what this protocol needs (Connection, framing). */
  void writeHead(HttpResponse head);

  void write(HttpObject part);

  /**
   * Writes a whole shared response (collapse) as the bytes {@code batch} encodes once for every
   * subscriber of the same {@code variant}, each layer adding its own edit to the variant; false,
   * with nothing written, when this downstream needs the response as objects (a protocol or
   * connection state other than HTTP/1.1 keep-alive, a cache filter that acts on the response).
   */
  default boolean writeEncoded(SharedBatch batch, SharedBatch.Variant variant) {
    return false;
  }

  void flush();

  boolean isWritable();

  /** Pauses or resumes reading the request body, for back-pressure from a slow upstream. */
  void setReadable(boolean readable);

  /** The response was written in full; {@code close} asks to end the connection or stream. */
  void exchangeDone(Exchange exchange, boolean close);

  /** Tears down mid-response: closes the connection (HTTP/1.1) or resets the stream (HTTP/2). */
  void abort();

  /** After a 101 response: removes the HTTP handlers and returns the raw connection. */
  Channel upgrade();

  /** Whether upgrades (WebSocket) can be passed through: HTTP/1.1 only. */
  boolean canUpgrade();
}
