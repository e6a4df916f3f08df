package dev.corral.controlplane.translate;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Local mode's stand-in for iptables: the pods whose sidecar runs on this machine and fronts their
 * app, by {@code namespace/pod}. In Kubernetes, traffic to a pod's address is redirected to its
 * sidecar's inbound listener by the kernel; on one machine without interception, an endpoint of
 * such a pod (loopback address, the app's port) is rewritten to the sidecar's inbound port, so
 * calls pass through the callee's sidecar too (Server-placement filters, inbound stats).
 */
public record LocalSidecars(Map<String, Inbound> byPod) {

  /** A local sidecar: the app port it fronts and its inbound listener's port. */
  public record Inbound(int appPort, int inboundPort) {}

  private static final LocalSidecars NONE = new LocalSidecars(Map.of());

  public LocalSidecars {
    byPod = Map.copyOf(requireNonNull(byPod, "byPod"));
  }

  public static LocalSidecars none() {
    return NONE;
  }

  /** The sidecars of these nodes that name an app port (local mode). */
  public static LocalSidecars of(Iterable<NodeContext> nodes) {
    Map<String, Inbound> m = new java.util.TreeMap<>();
    for (NodeContext n : nodes) {
      if (n.appPort().isPresent() && !n.pod().isEmpty() && !n.namespace().isEmpty()) {
        m.put(n.namespace() + "/" + n.pod(), new Inbound(n.appPort().getAsInt(), n.inboundPort()));
      }
    }
    return new LocalSidecars(m);
  }

  /**
   * The port to send to for an endpoint of {@code pod} at loopback {@code address:port}: the
   * pod's sidecar's inbound port when it fronts exactly that app port, else empty.
   */
  OptionalInt inboundFor(String namespace, @org.jspecify.annotations.Nullable String pod, String address, int port) {
    if (pod == null || !address.startsWith("127.")) {
      return OptionalInt.empty();
    }
    Optional<Inbound> in = Optional.ofNullable(byPod.get(namespace + "/" + pod));
    return in.filter(i -> i.appPort == port).map(i -> OptionalInt.of(i.inboundPort)).orElse(OptionalInt.empty());
  }
}
