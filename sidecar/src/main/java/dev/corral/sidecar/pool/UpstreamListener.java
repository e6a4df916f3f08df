package dev.corral.sidecar.pool;

import io.netty.handler.codec.http.HttpObject;

/** What a pool and an upstream stream tell the exchange that asked for them. */
public interface UpstreamListener {
  /** A connection or stream is ready for this request. */
  void onUpstreamReady(UpstreamStream stream);

  /** No stream could be had: connect failure or timeout, or the pool is full. */
  void onUpstreamFailure(Throwable cause);

  /** A response part: head, body chunk, or the last chunk (with trailers). */
  void onResponse(HttpObject part);

  /** The end of one socket read's worth of response parts: time to flush downstream. */
  void onResponseReadComplete();

  void onUpstreamWritabilityChanged(boolean writable);

  /** The connection or stream broke before the response ended. */
  void onUpstreamReset(Throwable cause);
}
