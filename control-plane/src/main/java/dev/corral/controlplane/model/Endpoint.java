package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One address backing a Service, merged from its EndpointSlices.
 *
 * @param address an IP literal
 * @param ports the port of each Service port, by the EndpointSlice port name ({@code ""} when unnamed)
 * @param zone the topology zone, when known
 * @param ready ready to receive traffic (EndpointSlice {@code conditions.ready}; absent means true)
 * @param serving serving regardless of termination ({@code conditions.serving}; absent means {@code ready})
 * @param terminating the pod is terminating ({@code conditions.terminating}; absent means false)
 * @param podName the backing pod ({@code targetRef.name} when it is a Pod), when known
 */
public record Endpoint(
    String address,
    Map<String, Integer> ports,
    @Nullable String zone,
    boolean ready,
    boolean serving,
    boolean terminating,
    @Nullable String podName) {
  public Endpoint {
    requireNonNull(address, "address");
    ports = Map.copyOf(ports);
  }

  /** The port for the Service port {@code portName}. */
  public OptionalInt port(String portName) {
    Integer p = ports.get(portName);
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }
}
