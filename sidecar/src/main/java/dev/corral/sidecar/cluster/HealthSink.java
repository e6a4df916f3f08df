package dev.corral.sidecar.cluster;

/**
 * Where health checking and outlier detection report what they decided about a host. They only
 * change a host's state; the cluster rebuilds the host set that balancers pick from.
 */
@FunctionalInterface
public interface HealthSink {
  /** Sets ({@code failed = true}) or clears one flag of {@code host}. Safe from any thread. */
  void setHealth(Host host, HealthFlag flag, boolean failed);
}
