package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/** Identifies a Service: namespace and name. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {
  private static final Comparator<ServiceKey> ORDER =
      Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  public ServiceKey {
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException("namespace: \"\" (expected: non-empty)");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: \"\" (expected: non-empty)");
    }
  }

  public static ServiceKey of(String namespace, String name) {
    return new ServiceKey(namespace, name);
  }

  @Override
  public int compareTo(ServiceKey o) {
    return ORDER.compare(this, o);
  }

  /** {@code namespace/name}. */
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
