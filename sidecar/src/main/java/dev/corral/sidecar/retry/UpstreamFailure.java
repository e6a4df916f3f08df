package dev.corral.sidecar.retry;

/** Ways an attempt can fail without a usable response, named after Envoy's retry_on conditions. */
public enum UpstreamFailure {
  /** The connection could not be made (refused, unreachable, connect timeout). */
  CONNECT_FAILURE(false),
  /** The connection or stream broke before the response began. */
  RESET(true),
  /** The HTTP/2 server refused the stream (REFUSED_STREAM), or no stream could be opened. */
  REFUSED_STREAM(false),
  /** The per-try timeout fired before the response began. */
  PER_TRY_TIMEOUT(true),
  /** The cluster's circuit breaker refused the request (pending queue full). */
  OVERFLOW(false);

  private final boolean mayHaveReachedUpstream;

  UpstreamFailure(boolean mayHaveReachedUpstream) {
    this.mayHaveReachedUpstream = mayHaveReachedUpstream;
  }

  /** Whether the upstream may have seen (part of) the request: then only idempotent requests are retried. */
  public boolean mayHaveReachedUpstream() {
    return mayHaveReachedUpstream;
  }
}
