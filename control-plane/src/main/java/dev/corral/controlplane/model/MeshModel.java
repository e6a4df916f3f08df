package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One immutable snapshot of the mesh: Services, their endpoints and Corral's policies. Sources
 * (Kubernetes, a local folder) build a whole new one on every change; the control plane translates
 * it to xDS. Iteration orders are stable (sorted by key), so equal inputs give equal output.
 */
public final class MeshModel {
  private static final MeshModel EMPTY = new MeshModel(List.of(), List.of(), List.of());

  private final Map<ServiceKey, Service> services;
  private final Map<ServiceKey, ServiceEndpoints> endpoints;
  private final Map<PolicyKind<?>, List<Policy<?>>> policiesByKind;
  /** kind → target → policies oldest first; the index behind {@link #attachment}. */
  private final Map<PolicyKind<?>, Map<ServiceKey, List<Policy<?>>>> byTarget;

  private MeshModel(List<Service> services, List<ServiceEndpoints> endpoints, List<Policy<?>> policies) {
    Map<ServiceKey, Service> s = new TreeMap<>();
    for (Service service : services) {
      if (s.put(service.key(), service) != null) {
        throw new IllegalArgumentException("services: duplicate " + service.key());
      }
    }
    Map<ServiceKey, ServiceEndpoints> e = new TreeMap<>();
    for (ServiceEndpoints se : endpoints) {
      if (e.put(se.service(), se) != null) {
        throw new IllegalArgumentException("endpoints: duplicate " + se.service());
      }
    }
    Map<PolicyKind<?>, List<Policy<?>>> byKind = new LinkedHashMap<>();
    Map<PolicyKind<?>, Map<ServiceKey, List<Policy<?>>>> index = new LinkedHashMap<>();
    for (PolicyKind<?> kind : PolicyKind.all()) {
      List<Policy<?>> ofKind = new ArrayList<>();
      for (Policy<?> p : policies) {
        if (p.kind() == kind) {
          ofKind.add(p);
        }
      }
      ofKind.sort(Policy.PRECEDENCE);
      for (int i = 1; i < ofKind.size(); i++) {
        Policy<?> a = ofKind.get(i - 1);
        Policy<?> b = ofKind.get(i);
        if (a.namespace().equals(b.namespace()) && a.name().equals(b.name())) {
          throw new IllegalArgumentException("policies: duplicate " + b.displayName());
        }
      }
      Map<ServiceKey, List<Policy<?>>> targets = new TreeMap<>();
      for (Policy<?> p : ofKind) {
        targets.computeIfAbsent(p.target(), k -> new ArrayList<>()).add(p);
      }
      targets.replaceAll((k, v) -> List.copyOf(v));
      byKind.put(kind, List.copyOf(ofKind));
      index.put(kind, Collections.unmodifiableMap(targets));
    }
    this.services = Collections.unmodifiableMap(s);
    this.endpoints = Collections.unmodifiableMap(e);
    this.policiesByKind = Collections.unmodifiableMap(byKind);
    this.byTarget = Collections.unmodifiableMap(index);
  }

  /** The model with nothing in it. */
  public static MeshModel empty() {
    return EMPTY;
  }

  /**
   * A model of these objects.
   *
   * @throws IllegalArgumentException when a Service, a Service's endpoints or a policy appears twice
   */
  public static MeshModel of(List<Service> services, List<ServiceEndpoints> endpoints, List<Policy<?>> policies) {
    requireNonNull(services, "services");
    requireNonNull(endpoints, "endpoints");
    requireNonNull(policies, "policies");
    return new MeshModel(services, endpoints, policies);
  }

  /** Services by key, sorted. */
  public Map<ServiceKey, Service> services() {
    return services;
  }

  /** Endpoints by Service, sorted; a Service may have none (and endpoints may name an unknown Service). */
  public Map<ServiceKey, ServiceEndpoints> endpoints() {
    return endpoints;
  }

  /** Policies by kind, each list oldest first; every kind is present. */
  public Map<PolicyKind<?>, List<Policy<?>>> policies() {
    return policiesByKind;
  }

  public Optional<Service> service(ServiceKey key) {
    return Optional.ofNullable(services.get(key));
  }

  /** The endpoints of {@code key}; empty when there are none. */
  public ServiceEndpoints endpointsOf(ServiceKey key) {
    ServiceEndpoints e = endpoints.get(key);
    return e != null ? e : ServiceEndpoints.empty(key);
  }

  /** Every policy of {@code kind}, oldest first (whether or not it is in force). */
  @SuppressWarnings("unchecked")
  public <S> List<Policy<S>> policies(PolicyKind<S> kind) {
    return (List<Policy<S>>) (List<?>) policiesByKind.get(requireNonNull(kind, "kind"));
  }

  /** The policy of {@code kind} in force for {@code service}: the oldest of those targeting it. */
  public <S> Optional<Policy<S>> policyFor(PolicyKind<S> kind, ServiceKey service) {
    return attachment(kind, service).map(PolicyAttachment::winner);
  }

  /** The policies of {@code kind} targeting {@code service}: the winner and the conflicted losers. */
  @SuppressWarnings("unchecked")
  public <S> Optional<PolicyAttachment<S>> attachment(PolicyKind<S> kind, ServiceKey service) {
    List<Policy<?>> list = byTarget.get(requireNonNull(kind, "kind")).get(requireNonNull(service, "service"));
    if (list == null || list.isEmpty()) {
      return Optional.empty();
    }
    List<Policy<S>> typed = (List<Policy<S>>) (List<?>) list;
    return Optional.of(new PolicyAttachment<>(service, typed.get(0), typed.subList(1, typed.size())));
  }

  /** Every attachment of {@code kind}, by target Service (sorted), including targets with no Service. */
  @SuppressWarnings("unchecked")
  public <S> List<PolicyAttachment<S>> attachments(PolicyKind<S> kind) {
    List<PolicyAttachment<S>> out = new ArrayList<>();
    for (ServiceKey target : byTarget.get(requireNonNull(kind, "kind")).keySet()) {
      out.add(attachment(kind, target).orElseThrow());
    }
    return out;
  }

  /** Policies of every kind that lost a conflict to an older one. */
  public List<Policy<?>> conflicted() {
    List<Policy<?>> out = new ArrayList<>();
    for (Map<ServiceKey, List<Policy<?>>> targets : byTarget.values()) {
      for (List<Policy<?>> list : targets.values()) {
        out.addAll(list.subList(1, list.size()));
      }
    }
    return out;
  }

  /** Policies whose target Service is not in the model (status: {@code TargetNotFound}). */
  public List<Policy<?>> targetNotFound() {
    List<Policy<?>> out = new ArrayList<>();
    for (List<Policy<?>> list : policiesByKind.values()) {
      for (Policy<?> p : list) {
        if (!services.containsKey(p.target())) {
          out.add(p);
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof MeshModel m
        && services.equals(m.services) && endpoints.equals(m.endpoints) && policiesByKind.equals(m.policiesByKind);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * services.hashCode() + endpoints.hashCode()) + policiesByKind.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MeshModel{services=").append(services.keySet())
        .append(", endpoints=").append(endpoints.size());
    for (Map.Entry<PolicyKind<?>, List<Policy<?>>> e : policiesByKind.entrySet()) {
      sb.append(", ").append(e.getKey()).append('=').append(e.getValue().stream().map(p -> p.namespace() + "/" + p.name()).toList());
    }
    return sb.append('}').toString();
  }
}
