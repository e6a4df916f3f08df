package dev.corral.controlplane.local;

import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One object read from a manifest file, already checked and converted to model terms. */
sealed interface Decoded {
  ObjectId id();

  /** The line the object's document starts on. */
  int line();

  /** Kind, namespace and name: what must be unique across the folder. */
  record ObjectId(String kind, String namespace, String name) implements Comparable<ObjectId> {
    @Override
    public int compareTo(ObjectId o) {
      int c = kind.compareTo(o.kind);
      if (c == 0) {
        c = namespace.compareTo(o.namespace);
      }
      return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
      return kind + " " + namespace + "/" + name;
    }
  }

  record DecodedService(ObjectId id, int line, Service service) implements Decoded {}

  record DecodedSlice(ObjectId id, int line, ServiceKey service, List<Endpoint> endpoints) implements Decoded {}

  /** A policy; generation and creation time are null when the manifest does not say. */
  record DecodedPolicy(
      ObjectId id,
      int line,
      PolicyKind<?> kind,
      @Nullable Long generation,
      @Nullable Instant creationTimestamp,
      ServiceKey target,
      Object spec) implements Decoded {}
}
