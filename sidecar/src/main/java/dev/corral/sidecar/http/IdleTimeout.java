package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a downstream connection that carried no request for the idle timeout (the HCM's
 * {@code common_http_protocol_options.idle_timeout}, Envoy's default 1 h). A timer per connection
 * checks now and then, rather than a timestamp per read or write: idle connections are rare events,
 * requests are not. HTTP/2 connections are closed with a GOAWAY. The timer is cancelled when the
 * connection closes: it holds the channel and its whole pipeline, so a closed connection would
 * otherwise stay on the heap until the timeout (an hour by default) and connection churn would
 * fill it.
 */
final class IdleTimeout {
  private final Channel channel;
  private final long timeoutNanos;
  private long lastBusyNanos = System.nanoTime();
  private @Nullable ScheduledFuture<?> timer;

  private IdleTimeout(Channel channel, long timeoutNanos) {
    this.channel = channel;
    this.timeoutNanos = timeoutNanos;
  }

  static @Nullable IdleTimeout watch(Channel channel, Duration timeout) {
    if (timeout.isZero()) {
      return null;
    }
    IdleTimeout idle = new IdleTimeout(channel, timeout.toNanos());
    idle.schedule(timeout.toNanos());
    channel.closeFuture().addListener(closed -> idle.cancel());
    return idle;
  }

  /** Whether a check is still scheduled (false once the connection closed). */
  boolean watching() {
    ScheduledFuture<?> t = timer;
    return t != null && !t.isDone();
  }

  private void schedule(long delayNanos) {
    timer = channel.eventLoop().schedule(this::check, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(50)),
        TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
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
