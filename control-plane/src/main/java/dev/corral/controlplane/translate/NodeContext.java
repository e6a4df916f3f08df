package dev.corral.controlplane.translate;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.api.WellKnown;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.OptionalInt;

/**
 * What the translator needs to know about the sidecars of one node group: who they are (namespace,
 * workload, pod) and where their listeners and local app are. In Kubernetes the ports are the
 * well-known ones; in local mode, where many sidecars share one machine, the bootstrap's node
 * metadata names them ({@link #OUTBOUND_PORT_KEY}, {@link #INBOUND_PORT_KEY}, {@link #APP_PORT_KEY}).
 *
 * @param pod the pod name: node id {@code <pod>.<namespace>} up to the last dot
 * @param namespace the node id after its last dot; short service names resolve in it
 * @param workload metadata {@code workload}, or {@code ""}
 * @param listenAddress the address the listeners bind ({@link #LISTEN_ADDRESS_KEY}; 0.0.0.0 by default)
 * @param outboundPort the outbound listener's port (15001 by default)
 * @param inboundPort the inbound listener's port (15006 by default)
 * @param appPort the local app's port, when known; without it there is no inbound listener
 *     (unless traffic is intercepted: then the inbound listener only passes through)
 * @param interception how the pod's traffic reaches the sidecar ({@link #INTERCEPTION_MODE_KEY}):
 *     {@link Interception#REDIRECT} adds the original-destination pass-through (docs/interception.md)
 */
public record NodeContext(String pod, String namespace, String workload, String listenAddress,
    int outboundPort, int inboundPort, OptionalInt appPort, Interception interception) {

  /**
   * Istio's {@code INTERCEPTION_MODE}: {@code REDIRECT} when iptables sends the pod's traffic to
   * the sidecar (the listeners then read the original destination and pass through what is not a
   * mesh service), {@code NONE} when the app calls the sidecar's ports itself (local mode).
   */
  public enum Interception {
    REDIRECT,
    NONE;

    /** REDIRECT, unless the listeners bind loopback: a REDIRECTed connection cannot reach those. */
    static Interception defaultFor(String listenAddress) {
      return listenAddress.startsWith("127.") || listenAddress.equals("::1") || listenAddress.equals("localhost")
          ? NONE : REDIRECT;
    }
  }

  public static final String WORKLOAD_KEY = "workload";
  public static final String NAMESPACE_KEY = "namespace";
  public static final String OUTBOUND_PORT_KEY = "corral.outbound_port";
  public static final String INBOUND_PORT_KEY = "corral.inbound_port";
  public static final String APP_PORT_KEY = "corral.app_port";
  public static final String LISTEN_ADDRESS_KEY = "corral.listen_address";
  public static final String INTERCEPTION_MODE_KEY = "corral.interception_mode";
  public static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0";

  public NodeContext {
    requireNonNull(pod, "pod");
    requireNonNull(namespace, "namespace");
    requireNonNull(workload, "workload");
    requireNonNull(listenAddress, "listenAddress");
    requireNonNull(appPort, "appPort");
    requireNonNull(interception, "interception");
    checkPort("outboundPort", outboundPort);
    checkPort("inboundPort", inboundPort);
    appPort.ifPresent(p -> checkPort("appPort", p));
  }

  /** With the interception mode that suits {@code listenAddress} ({@link Interception#defaultFor}). */
  public NodeContext(String pod, String namespace, String workload, String listenAddress,
      int outboundPort, int inboundPort, OptionalInt appPort) {
    this(pod, namespace, workload, listenAddress, outboundPort, inboundPort, appPort,
        Interception.defaultFor(requireNonNull(listenAddress, "listenAddress")));
  }

  /** A node of {@code namespace} with the well-known ports and no known app port. */
  public static NodeContext of(String pod, String namespace, String workload) {
    return new NodeContext(pod, namespace, workload, DEFAULT_LISTEN_ADDRESS,
        WellKnown.SIDECAR_OUTBOUND_PORT, WellKnown.SIDECAR_INBOUND_PORT, OptionalInt.empty());
  }

  /**
   * Reads a sidecar's {@link Node}. Metadata values may be numbers or strings of digits; a value
   * that is neither (or out of range) is ignored in favour of the default, since a sidecar's
   * bootstrap is not ours to refuse.
   */
  public static NodeContext fromNode(Node node) {
    requireNonNull(node, "node");
    String id = node.getId();
    int dot = id.lastIndexOf('.');
    String pod = dot < 0 ? id : id.substring(0, dot);
    Struct md = node.getMetadata();
    String namespace = dot < 0 ? string(md, NAMESPACE_KEY, "") : id.substring(dot + 1);
    String listenAddress = string(md, LISTEN_ADDRESS_KEY, DEFAULT_LISTEN_ADDRESS);
    return new NodeContext(pod, namespace, string(md, WORKLOAD_KEY, ""), listenAddress,
        port(md, OUTBOUND_PORT_KEY).orElse(WellKnown.SIDECAR_OUTBOUND_PORT),
        port(md, INBOUND_PORT_KEY).orElse(WellKnown.SIDECAR_INBOUND_PORT),
        port(md, APP_PORT_KEY), interception(md, listenAddress));
  }

  public NodeContext withPorts(int outbound, int inbound, OptionalInt app) {
    return new NodeContext(pod, namespace, workload, listenAddress, outbound, inbound, app, interception);
  }

  public NodeContext withListenAddress(String address) {
    return new NodeContext(pod, namespace, workload, address, outboundPort, inboundPort, appPort, interception);
  }

  public NodeContext withInterception(Interception mode) {
    return new NodeContext(pod, namespace, workload, listenAddress, outboundPort, inboundPort, appPort, mode);
  }

  /** Whether iptables redirects the pod's traffic: the listeners pass through what is not for the mesh. */
  public boolean intercepted() {
    return interception == Interception.REDIRECT;
  }

  /**
   * The node group of sidecars that get the same resources: {@code <namespace>/<workload>}, plus
   * the ports when they are not the well-known ones (local mode), e.g.
   * {@code shop/frontend@127.0.0.1:16001,16006,18080}.
   */
  public String group() {
    String base = namespace + "/" + workload;
    boolean defaults = listenAddress.equals(DEFAULT_LISTEN_ADDRESS)
        && outboundPort == WellKnown.SIDECAR_OUTBOUND_PORT
        && inboundPort == WellKnown.SIDECAR_INBOUND_PORT && appPort.isEmpty();
    String mode = interception == Interception.defaultFor(listenAddress) ? "" : "#" + interception;
    if (defaults) {
      return base + mode;
    }
    return base + "@" + listenAddress + ":" + outboundPort + "," + inboundPort
        + (appPort.isPresent() ? "," + appPort.getAsInt() : "") + mode;
  }

  /** {@code REDIRECT} or {@code NONE} (any case); anything else: the default for the address. */
  private static Interception interception(Struct md, String listenAddress) {
    String v = string(md, INTERCEPTION_MODE_KEY, "").toUpperCase(java.util.Locale.ROOT);
    return switch (v) {
      case "REDIRECT" -> Interception.REDIRECT;
      case "NONE" -> Interception.NONE;
      default -> Interception.defaultFor(listenAddress);
    };
  }

  private static String string(Struct md, String key, String fallback) {
    Value v = md.getFieldsOrDefault(key, null);
    return v != null && v.hasStringValue() && !v.getStringValue().isEmpty() ? v.getStringValue() : fallback;
  }

  private static OptionalInt port(Struct md, String key) {
    Value v = md.getFieldsOrDefault(key, null);
    if (v == null) {
      return OptionalInt.empty();
    }
    long n;
    if (v.hasNumberValue()) {
      double d = v.getNumberValue();
      if (d != Math.rint(d)) {
        return OptionalInt.empty();
      }
      n = (long) d;
    } else if (v.hasStringValue() && v.getStringValue().matches("\\d{1,5}")) {
      n = Long.parseLong(v.getStringValue());
    } else {
      return OptionalInt.empty();
    }
    return n >= 1 && n <= 65535 ? OptionalInt.of((int) n) : OptionalInt.empty();
  }

  private static void checkPort(String field, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("%s: %s (expected: 1..65535)".formatted(field, port));
    }
  }
}
