package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A Service of the mesh: its key and its ports. */
public record Service(ServiceKey key, List<ServicePort> ports) {
  public Service {
    requireNonNull(key, "key");
    ports = List.copyOf(ports);
  }

  /** The port called {@code name} ({@code ""} for an unnamed port). */
  public Optional<ServicePort> port(String name) {
    return ports.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The port numbered {@code port}. */
  public Optional<ServicePort> port(int port) {
    return ports.stream().filter(p -> p.port() == port).findFirst();
  }
}
