package dev.corral.controlplane.status;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.AckTracker.Nack;
import dev.corral.controlplane.xds.AckTracker.SidecarStatus;
import dev.corral.controlplane.xds.AckTracker.TypeStatus;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether the connected sidecars run the latest configuration: per sidecar, the xDS types whose
 * ACKed version is not the one published for its node group now, and the types it rejects.
 *
 * @param sidecars every connected sidecar, by stream id
 * @param latest node group → xDS type → the version published now
 * @param publishing a change waits out the publisher's coalescing window (not sent to anyone yet)
 * @param rejectedPolicies {@code namespace/Kind/name} → the NACK that names it
 */
public record XdsSync(List<Sidecar> sidecars, Map<String, Map<String, String>> latest,
    boolean publishing, Map<String, Nack> rejectedPolicies) {

  /** One sidecar: {@code behind} lists the types not ACKed at the latest version; {@code rejected} the types it NACKed. */
  public record Sidecar(String nodeId, String group, List<String> behind, List<String> rejected) {
    public Sidecar {
      behind = List.copyOf(behind);
      rejected = List.copyOf(rejected);
    }

    public boolean upToDate() {
      return behind.isEmpty();
    }
  }

  public XdsSync {
    sidecars = List.copyOf(sidecars);
    latest = Map.copyOf(latest);
    rejectedPolicies = Map.copyOf(rejectedPolicies);
  }

  /** The state now. */
  public static XdsSync of(AckTracker tracker, SnapshotPublisher publisher) {
    requireNonNull(tracker, "tracker");
    requireNonNull(publisher, "publisher");
    return of(tracker.status(), tracker.rejectedPolicies(), group -> publisher.versions(group)
        .map(v -> {
          Map<String, String> byType = new TreeMap<>();
          v.versions().forEach((type, version) -> byType.put(type.name(), version));
          return byType;
        }).orElse(Map.of()), publisher.pending());
  }

  static XdsSync of(List<SidecarStatus> status, Map<String, Nack> rejectedPolicies,
      java.util.function.Function<String, Map<String, String>> latestOfGroup, boolean publishing) {
    Map<String, Map<String, String>> latest = new TreeMap<>();
    List<Sidecar> sidecars = new ArrayList<>();
    for (SidecarStatus s : status) {
      Map<String, String> versions = latest.computeIfAbsent(s.group(), latestOfGroup);
      List<String> behind = new ArrayList<>();
      List<String> rejected = new ArrayList<>();
      for (XdsType type : XdsType.values()) {
        TypeStatus t = s.types().get(type.name());
        if (t == null) {
          continue; // never asked for: nothing to be behind on
        }
        String want = versions.get(type.name());
        if (want != null && !want.equals(t.ackedVersion())) {
          behind.add(type.name());
        }
        if (t.rejected()) {
          rejected.add(type.name());
        }
      }
      sidecars.add(new Sidecar(s.nodeId(), s.group(), behind, rejected));
    }
    return new XdsSync(sidecars, latest, publishing, rejectedPolicies);
  }

  /** Sidecars not on the latest version of every type they use. */
  public List<Sidecar> behind() {
    return sidecars.stream().filter(s -> !s.upToDate()).toList();
  }
}
