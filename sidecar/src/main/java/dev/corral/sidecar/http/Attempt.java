package dev.corral.sidecar.http;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.pool.ConnectionPool;
import dev.corral.sidecar.pool.UpstreamListener;
import dev.corral.sidecar.pool.UpstreamStream;
import dev.corral.sidecar.retry.UpstreamFailure;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One try of an exchange against one host. Events from a try the exchange has given up on (after
 * a retry, a timeout or a client abort) are dropped here, so the exchange only ever hears from its
 * current try.
 */
final class Attempt implements UpstreamListener {
  final Exchange exchange;
  final Host host;
  final int number;
  final long startNanos = System.nanoTime();
  private UpstreamStream stream;
  private ScheduledFuture<?> perTryTimer;
  private boolean abandoned;
  private boolean responseHeadSeen;

  Attempt(Exchange exchange, Host host, int number) {
    this.exchange = exchange;
    this.host = host;
    this.number = number;
  }

  void start(ConnectionPool pool, Duration perTryTimeout) {
    if (!perTryTimeout.isZero()) {
      perTryTimer = pool.eventLoop().schedule(new PerTryTimeout(), perTryTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    pool.acquire(this);
  }

  UpstreamStream stream() {
    return stream;
  }

  /** Takes the stream out of this try (a protocol upgrade now owns its connection). */
  UpstreamStream detachStream() {
    UpstreamStream detached = stream;
    stream = null;
    return detached;
  }

  /** Stops listening; resets the stream if one was had (a connection mid-exchange can't be reused). */
  void abandon() {
    abandoned = true;
    cancelTimer();
    if (stream != null) {
      stream.reset();
      stream = null;
    }
  }

  /** The exchange ended with this try: the stream goes back to its pool (or is reset). */
  void finish(boolean reusable) {
    abandoned = true;
    cancelTimer();
    if (stream != null) {
      if (reusable) {
        stream.release();
      } else {
        stream.reset();
      }
      stream = null;
    }
  }

  private void cancelTimer() {
    if (perTryTimer != null) {
      perTryTimer.cancel(false);
      perTryTimer = null;
    }
  }

  /** A class, not a method reference, for the reason {@code Exchange.RouteTimeout} gives. */
  private final class PerTryTimeout implements Runnable {
    @Override
    public void run() {
      perTryTimeout();
    }
  }

  private void perTryTimeout() {
    if (!abandoned && !responseHeadSeen) {
      exchange.attemptFailed(this, UpstreamFailure.PER_TRY_TIMEOUT, "per_try_timeout fired");
    }
  }

  @Override
  public void onUpstreamReady(UpstreamStream stream) {
    if (abandoned) {
      stream.release(); // nothing was written: the connection is as good as new
      return;
    }
    this.stream = stream;
    exchange.attemptReady(this);
  }

  @Override
  public void onUpstreamFailure(UpstreamFailure failure, String detail) {
    if (!abandoned) {
      exchange.attemptFailed(this, failure, detail);
    }
  }

  @Override
  public void onResponse(HttpObject part) {
    if (abandoned) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (!responseHeadSeen) {
      responseHeadSeen = true;
      cancelTimer(); // the per-try timeout bounds the wait for the response head
    }
    exchange.attemptResponse(this, part);
  }

  @Override
  public void onResponseReadComplete() {
    if (!abandoned) {
      exchange.attemptReadComplete();
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (!abandoned) {
      exchange.attemptWritabilityChanged(writable);
    }
  }

  @Override
  public void onUpstreamReset(UpstreamFailure failure, String detail) {
    if (!abandoned) {
      stream = null;
      exchange.attemptFailed(this, failure, detail);
    }
  }
}
