package dev.corral.sidecar.xds;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a response changes against the accepted resources of its type. {@code added} and
 * {@code changed} keep the response's order; {@code removed} is empty unless the type is
 * state-of-the-world for removals (LDS, CDS: a resource missing from the response is gone).
 */
record ResourceDiff<T>(Map<String, T> added, Map<String, T> changed, Set<String> removed) {

  static <T> ResourceDiff<T> of(Map<String, T> current, Map<String, T> received, boolean removeMissing) {
    Map<String, T> added = new LinkedHashMap<>();
    Map<String, T> changed = new LinkedHashMap<>();
    Set<String> removed = new LinkedHashSet<>();
    received.forEach((name, resource) -> {
      T before = current.get(name);
      if (before == null) {
        added.put(name, resource);
      } else if (!before.equals(resource)) {
        changed.put(name, resource);
      }
    });
    if (removeMissing) {
      for (String name : current.keySet()) {
        if (!received.containsKey(name)) {
          removed.add(name);
        }
      }
    }
    return new ResourceDiff<>(added, changed, removed);
  }

  boolean isEmpty() {
    return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
  }
}
