package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes objects (fabric8's model classes) → model terms: a v1 Service → {@link Service}, a
 * discovery.k8s.io/v1 EndpointSlice → {@link Endpoint}s, and the merge of a Service's slices into
 * {@link ServiceEndpoints}. Shared by local mode (manifests) and the operator (informers), so that
 * both read Kubernetes objects the same way.
 *
 * <p>Every refusal goes to a {@link Problems} sink with the field path; the caller decides what an
 * object with problems means (local mode: the file's last good version stays; the operator: the
 * object's last good version stays).
 */
public final class KubernetesObjects {
  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private KubernetesObjects() {}

  /** Where conversion problems go: a field path ({@code spec.ports[1].port}) and a message. */
  @FunctionalInterface
  public interface Problems {
    void add(String field, String message);
  }

  /**
   * How strict to be with fields the model classes do not know (fabric8 keeps them as additional
   * properties): manifests refuse them (a typo must not pass silently); objects from the API server
   * take them (a newer Kubernetes adds fields).
   */
  public enum UnknownFields { REFUSE, IGNORE }

  /** An EndpointSlice in model terms: the Service it belongs to and its endpoints. */
  public record Slice(ServiceKey service, List<Endpoint> endpoints) {
    public Slice {
      requireNonNull(service, "service");
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * A Service with its ports, or null when it has problems (each reported).
   *
   * @param namespace the Service's namespace (callers default it)
   */
  public static @Nullable Service service(io.fabric8.kubernetes.api.model.Service svc, String namespace,
      UnknownFields unknown, Problems problems) {
    Counting p = new Counting(problems, unknown);
    p.unknownFields("", svc.getAdditionalProperties());
    ServiceKey key = new ServiceKey(namespace, svc.getMetadata().getName());
    List<ServicePort> ports = new ArrayList<>();
    var spec = svc.getSpec();
    if (spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()) {
      p.add("spec.ports", "required: a Service needs at least one port");
      return null;
    }
    p.unknownFields("spec", spec.getAdditionalProperties());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.getPorts().size(); i++) {
      var port = spec.getPorts().get(i);
      String at = "spec.ports[" + i + "]";
      p.unknownFields(at, port.getAdditionalProperties());
      String name = port.getName() == null ? "" : port.getName();
      if (name.isEmpty() && spec.getPorts().size() > 1) {
        p.add(at + ".name", "required when a Service has more than one port");
      } else if (!names.add(name)) {
        p.add(at + ".name", "\"" + name + "\" is used by another port");
      }
      if (port.getPort() == null) {
        p.add(at + ".port", "required");
        continue;
      }
      if (port.getPort() < 1 || port.getPort() > 65535) {
        p.add(at + ".port", port.getPort() + " (expected: 1-65535)");
        continue;
      }
      ServicePort.TargetPort target = targetPort(p, at + ".targetPort", port.getTargetPort(), port.getPort());
      if (target == null) {
        continue;
      }
      String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
      if (!Set.of("TCP", "UDP", "SCTP").contains(protocol)) {
        p.add(at + ".protocol", "\"" + protocol + "\" (expected one of TCP, UDP, SCTP)");
        continue;
      }
      ports.add(new ServicePort(name, port.getPort(), target, protocol, port.getAppProtocol()));
    }
    return p.count == 0 ? new Service(key, ports) : null;
  }

  private static ServicePort.@Nullable TargetPort targetPort(Counting p, String at, @Nullable IntOrString value,
      int port) {
    if (value == null) {
      return ServicePort.TargetPort.number(port);
    }
    if (value.getIntVal() != null) {
      int n = value.getIntVal();
      if (n < 1 || n > 65535) {
        p.add(at, n + " (expected: 1-65535 or a port name)");
        return null;
      }
      return ServicePort.TargetPort.number(n);
    }
    String s = value.getStrVal();
    if (s == null || s.isEmpty()) {
      p.add(at, "\"\" (expected: a port number or name)");
      return null;
    }
    return ServicePort.TargetPort.named(s);
  }

  /**
   * An EndpointSlice's endpoints, or null when it has problems (each reported). Conditions follow
   * the EndpointSlice API: absent {@code ready} means ready, absent {@code serving} means
   * {@code ready}, absent {@code terminating} means not terminating.
   *
   * @param namespace the slice's namespace (callers default it)
   */
  public static @Nullable Slice endpointSlice(EndpointSlice slice, String namespace, UnknownFields unknown,
      Problems problems) {
    Counting p = new Counting(problems, unknown);
    p.unknownFields("", slice.getAdditionalProperties());
    Map<String, String> labels = slice.getMetadata().getLabels();
    String serviceName = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    if (serviceName == null || serviceName.isEmpty()) {
      p.add("metadata.labels", "required: label " + SERVICE_NAME_LABEL + " names the Service this slice belongs to");
      return null;
    }
    String addressType = slice.getAddressType();
    if (addressType == null) {
      p.add("addressType", "required (expected: IPv4 or IPv6)");
    } else if (!addressType.equals("IPv4") && !addressType.equals("IPv6")) {
      p.add("addressType", "\"" + addressType + "\" (expected: IPv4 or IPv6)");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    List<EndpointPort> slicePorts = slice.getPorts() == null ? List.of() : slice.getPorts();
    for (int i = 0; i < slicePorts.size(); i++) {
      EndpointPort port = slicePorts.get(i);
      String at = "ports[" + i + "]";
      p.unknownFields(at, port.getAdditionalProperties());
      String name = port.getName() == null ? "" : port.getName();
      if (port.getPort() == null || port.getPort() < 1 || port.getPort() > 65535) {
        p.add(at + ".port", port.getPort() + " (expected: 1-65535)");
      } else if (ports.put(name, port.getPort()) != null) {
        p.add(at + ".name", "\"" + name + "\" is used by another port");
      }
    }
    List<Endpoint> endpoints = new ArrayList<>();
    var sliceEndpoints = slice.getEndpoints() == null
        ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of() : slice.getEndpoints();
    for (int i = 0; i < sliceEndpoints.size(); i++) {
      var e = sliceEndpoints.get(i);
      String at = "endpoints[" + i + "]";
      p.unknownFields(at, e.getAdditionalProperties());
      if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
        p.add(at + ".addresses", "required: at least one address");
        continue;
      }
      EndpointConditions c = e.getConditions();
      boolean ready = c == null || c.getReady() == null || c.getReady();
      boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
      boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
      String pod = e.getTargetRef() != null && "Pod".equals(e.getTargetRef().getKind()) ? e.getTargetRef().getName() : null;
      for (int j = 0; j < e.getAddresses().size(); j++) {
        String address = e.getAddresses().get(j);
        if (address == null || !InetAddresses.isInetAddress(address)) {
          p.add(at + ".addresses[" + j + "]", "\"" + address + "\" is not an IP address");
          continue;
        }
        boolean v6 = address.contains(":");
        if (addressType != null && (v6 ? addressType.equals("IPv4") : addressType.equals("IPv6"))) {
          p.add(at + ".addresses[" + j + "]", "\"" + address + "\" does not match addressType " + addressType);
          continue;
        }
        endpoints.add(new Endpoint(address, ports, e.getZone(), ready, serving, terminating, pod));
      }
    }
    return p.count == 0 ? new Slice(new ServiceKey(namespace, serviceName), endpoints) : null;
  }

  /**
   * The endpoints of each Service from all of its slices. One pod in two slices (or listed twice)
   * becomes one endpoint with the ports of both; the first slice's conditions win.
   */
  public static List<ServiceEndpoints> merge(Collection<Slice> slices) {
    Map<ServiceKey, Map<String, Endpoint>> endpoints = new TreeMap<>();
    for (Slice slice : slices) {
      Map<String, Endpoint> byAddress = endpoints.computeIfAbsent(slice.service(), k -> new TreeMap<>());
      for (Endpoint ep : slice.endpoints()) {
        byAddress.merge(endpointKey(ep), ep, KubernetesObjects::mergeEndpoint);
      }
    }
    List<ServiceEndpoints> out = new ArrayList<>();
    endpoints.forEach((k, v) -> out.add(new ServiceEndpoints(k, List.copyOf(v.values()))));
    return out;
  }

  /**
   * What makes two slice entries one endpoint: the address and the pod. Without a pod, the ports
   * too, because local mode runs several "pods" on 127.0.0.1, told apart by port only.
   */
  private static String endpointKey(Endpoint e) {
    return e.address() + "|" + (e.podName() != null ? "pod:" + e.podName() : new TreeMap<>(e.ports()).toString());
  }

  private static Endpoint mergeEndpoint(Endpoint a, Endpoint b) {
    Map<String, Integer> ports = new TreeMap<>(b.ports());
    ports.putAll(a.ports());
    return new Endpoint(a.address(), ports, a.zone() != null ? a.zone() : b.zone(), a.ready(), a.serving(),
        a.terminating(), a.podName() != null ? a.podName() : b.podName());
  }

  /** Counts what it forwards, so that a converter knows whether the object had problems. */
  private static final class Counting {
    private final Problems sink;
    private final UnknownFields unknown;
    int count;

    Counting(Problems sink, UnknownFields unknown) {
      this.sink = sink;
      this.unknown = unknown;
    }

    void add(String field, String message) {
      sink.add(field, message);
      count++;
    }

    void unknownFields(String path, @Nullable Map<String, Object> additional) {
      if (unknown == UnknownFields.REFUSE && additional != null) {
        for (String field : additional.keySet()) {
          add(path.isEmpty() ? field : path + "." + field, "unknown field");
        }
      }
    }
  }
}
