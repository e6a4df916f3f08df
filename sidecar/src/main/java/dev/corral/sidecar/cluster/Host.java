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

  /** {@code ip:port}, the form used in stats labels, /clusters and logs. */
  public String label() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  @Override
  public String toString() {
    return label() + (weight == 1 ? "" : " weight=" + weight);
  }
}
