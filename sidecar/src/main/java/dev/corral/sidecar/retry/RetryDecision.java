package dev.corral.sidecar.retry;

/** What to do after a failed attempt: retry after a delay, for a reason, or give up (and why). */
public record RetryDecision(boolean retry, long delayNanos, String reason) {

  public static RetryDecision retry(long delayNanos, String reason) {
    return new RetryDecision(true, delayNanos, reason);
  }

  public static RetryDecision noRetry(String why) {
    return new RetryDecision(false, 0, why);
  }
}
