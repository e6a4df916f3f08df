package dev.corral.sidecar.cache;

/** Epoch millis advanced by hand. */
final class ManualClock {
  /** 2024-01-01T00:00:00Z. */
  static final long START = 1_704_067_200_000L;
  private long now = START;

  long millis() {
    return now;
  }

  String httpDate() {
    return HttpDates.format(now);
  }

  void advanceSeconds(long s) {
    now += s * 1000;
  }
}
