package dev.corral.sidecar.stats.report;

/** The counters kept per service and direction, declared once; each is a field of {@code ServiceStats}. */
enum Count {
  REQUESTS,
  RESPONSES_2XX,
  RESPONSES_3XX,
  RESPONSES_4XX,
  RESPONSES_5XX,
  RETRIES,
  CACHE_HITS,
  CACHE_MISSES,
  COLLAPSED_FOLLOWERS,
  COLLAPSED_LEADERS,
  EJECTIONS;

  static final Count[] ALL = values();
}
