package dev.corral.sidecar.cluster;

/** Why a host is not picked, in Envoy's /clusters spelling. A host with no flag is healthy. */
public enum HealthFlag {
  /** Active health checking found it failing. */
  FAILED_ACTIVE_HC("/failed_active_hc"),
  /** Outlier detection ejected it. */
  FAILED_OUTLIER_CHECK("/failed_outlier_check");

  private final String text;

  HealthFlag(String text) {
    this.text = text;
  }

  final int bit() {
    return 1 << ordinal();
  }

  /** Envoy's /clusters name of the flag. */
  public String text() {
    return text;
  }
}
