package dev.corral.sidecar.pool;

import dev.corral.sidecar.retry.UpstreamFailure;
import io.netty.handler.codec.http.HttpObject;

/** What a pool and an upstream stream tell the exchange that asked for them. */
public interface UpstreamListener {
  /** A connection or stream is ready for this request. */
  void onUpstreamReady(UpstreamStream stream);

  /**
   * No stream could be had: {@code CONNECT_FAILURE}, {@code REFUSED_STREAM}, or {@code OVERFLOW}
   * when the circuit breaker refused to queue the request. {@code detail} is for humans.
   */
  void onUpstreamFailure(UpstreamFailure failure, String detail);

  /** A response part: head, body chunk, or the last chunk (with trailers). */
  void onResponse(HttpObject part);

  /** The end of one socket read's worth of response parts: time to flush downstream. */
  void onResponseReadComplete();

  void onUpstreamWritabilityChanged(boolean writable);

  /** The connection or stream broke before the response ended: {@code RESET} or {@code REFUSED_STREAM}. */
  void onUpstreamReset(UpstreamFailure failure, String detail);
}
