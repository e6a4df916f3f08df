package dev.corral.sidecar.cluster;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream endpoint of a cluster: its identity (address, weight, locality) is immutable, its
 * load (requests in flight, latency estimate) is shared by every event loop and read by balancers.
 */
public final class Host {
  private final InetSocketAddress address;
  private final int weight;
  private final String zone;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final LatencyEstimate latency = new LatencyEstimate();
  private volatile int healthFlags;

  public Host(InetSocketAddress address, int weight, String zone) {
    this.address = requireNonNull(address, "address");
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
    this.weight = weight;
    this.zone = requireNonNull(zone, "zone");
  }

  public static Host of(String ip, int port) {
    return new Host(new InetSocketAddress(ip, port), 1, "");
  }

  public InetSocketAddress address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  public String zone() {
    return zone;
  }

  /** Requests sent to this host and not yet finished, over all event loops. */
  public int activeRequests() {
    return activeRequests.get();
  }

  public void requestStarted() {
    activeRequests.incrementAndGet();
  }

  public void requestFinished() {
    activeRequests.decrementAndGet();
  }

  /** Peak-EWMA round-trip estimate, fed by the router and read by the peak-EWMA balancer. */
  public LatencyEstimate latency() {
    return latency;
  }

  /** Whether no health flag is set: the host may be picked (outside panic mode). */
  public boolean healthy() {
    return healthFlags == 0;
  }

  public boolean has(HealthFlag flag) {
    return (healthFlags & flag.bit()) != 0;
  }

  /** Envoy's /clusters health_flags text: {@code healthy} or the flags, e.g. {@code /failed_active_hc}. */
  public String healthText() {
    if (healthFlags == 0) {
      return "healthy";
    }
    StringBuilder text = new StringBuilder();
    for (HealthFlag flag : HealthFlag.values()) {
      if (has(flag)) {
        text.append(flag.text());
      }
    }
    return text.toString();
  }

  /** Sets or clears a flag; returns whether that changed anything. Callers serialize (the cluster). */
  boolean setHealth(HealthFlag flag, boolean failed) {
    int before = healthFlags;
    int after = failed ? before | flag.bit() : before & ~flag.bit();
    healthFlags = after;
    return before != after;
  }

  /** {@code ip:port}, the form used in stats labels, /clusters and logs. */
  public String label() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  @Override
  public String toString() {
    return label() + (weight == 1 ? "" : " weight=" + weight);
  }
}
