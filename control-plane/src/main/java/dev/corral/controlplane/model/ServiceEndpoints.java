package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The endpoints of one Service, from all its EndpointSlices, in a stable order. */
public record ServiceEndpoints(ServiceKey service, List<Endpoint> endpoints) {
  public ServiceEndpoints {
    requireNonNull(service, "service");
    endpoints = List.copyOf(endpoints);
  }

  public static ServiceEndpoints empty(ServiceKey service) {
    return new ServiceEndpoints(service, List.of());
  }

  /** The endpoints that take new traffic: ready ones. */
  public List<Endpoint> ready() {
    return endpoints.stream().filter(Endpoint::ready).toList();
  }
}
