package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a downstream connection that carried no request for the idle timeout (the HCM's
 * {@code common_http_protocol_options.idle_timeout}, Envoy's default 1 h). A timer per connection
 * checks now and then, rather than a timestamp per read or write: idle connections are rare events,
 * requests are not. HTTP/2 connections are closed with a GOAWAY.
 */
final class IdleTimeout {
  private final Channel channel;
  private final long timeoutNanos;
  private long lastBusyNanos = System.nanoTime();

  private IdleTimeout(Channel channel, long timeoutNanos) {
    this.channel = channel;
    this.timeoutNanos = timeoutNanos;
  }

  static void watch(Channel channel, Duration timeout) {
    if (!timeout.isZero()) {
      new IdleTimeout(channel, timeout.toNanos()).schedule(timeout.toNanos());
    }
  }

  private void schedule(long delayNanos) {
    channel.eventLoop().schedule(this::check, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(50)),
        TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (!channel.isActive()) {
      return;
    }
    long now = System.nanoTime();
    Http1ServerHandler http1 = channel.pipeline().get(Http1ServerHandler.class);
    Http2FrameCodec http2 = channel.pipeline().get(Http2FrameCodec.class);
    if (http1 != null) {
      lastBusyNanos = http1.busy() ? now : Math.max(lastBusyNanos, http1.idleSinceNanos());
    } else if (http2 != null && http2.connection().numActiveStreams() > 0) {
      lastBusyNanos = now;
    } else if (http2 == null) {
      return; // an upgraded tunnel (WebSocket): its lifetime is the peers' business
    }
    long idle = now - lastBusyNanos;
    if (idle >= timeoutNanos) {
      channel.close(); // HTTP/2: the codec's close sends GOAWAY first
    } else {
      schedule(timeoutNanos - idle);
    }
  }
}
