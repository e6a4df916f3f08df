package dev.corral.controlplane.translate;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyAttachment;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.xds.PolicyResolver;
import dev.corral.controlplane.xds.XdsType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which policies shaped which generated resource, for one model, so that a NACK can be pinned on
 * them ({@code Programmed=False, reason=Rejected}). Ids are {@code namespace/Kind/name}.
 *
 * <ul>
 *   <li>CDS {@code outbound|<port>||<fqdn>}: the BalancePolicy in force for the Service;
 *   <li>RDS {@code outbound}: every BalancePolicy in force that sets route fields (timeouts,
 *       retries, hashOn), since they share the one route table;
 *   <li>EDS and LDS: none yet (LDS will name Cache/CollapsePolicies with {@link PlacementFilters}).
 * </ul>
 */
public final class PolicyIndex implements PolicyResolver {
  private static final PolicyIndex EMPTY = new PolicyIndex(new EnumMap<>(XdsType.class));

  private final Map<XdsType, Map<String, Set<String>>> byType;

  private PolicyIndex(Map<XdsType, Map<String, Set<String>>> byType) {
    this.byType = byType;
  }

  public static PolicyIndex empty() {
    return EMPTY;
  }

  public static PolicyIndex of(MeshModel model) {
    requireNonNull(model, "model");
    Map<XdsType, Map<String, Set<String>>> byType = new EnumMap<>(XdsType.class);
    for (PolicyAttachment<BalancePolicySpec> a : model.attachments(PolicyKind.BALANCE)) {
      Service service = model.services().get(a.service());
      if (service == null) {
        continue;
      }
      Policy<BalancePolicySpec> p = a.winner();
      String id = Names.policyId(p.namespace(), p.kind().kind(), p.name());
      for (ServicePort port : service.ports()) {
        add(byType, XdsType.CDS, Names.outboundCluster(service.key(), port.port()), id);
      }
      BalancePolicySpec s = p.spec();
      if (s.getTimeouts() != null || s.getRetries() != null || s.getHashOn() != null) {
        add(byType, XdsType.RDS, Names.OUTBOUND, id);
      }
    }
    byType.replaceAll((t, m) -> {
      m.replaceAll((name, ids) -> Set.copyOf(ids));
      return Map.copyOf(m);
    });
    return new PolicyIndex(byType);
  }

  /** Every policy that shaped some resource: those the xDS configuration carries. */
  public Set<String> policyIds() {
    Set<String> ids = new TreeSet<>();
    byType.values().forEach(names -> names.values().forEach(ids::addAll));
    return ids;
  }

  @Override
  public Set<String> policiesOf(XdsType type, String resourceName) {
    Map<String, Set<String>> names = byType.get(type);
    if (names == null) {
      return Set.of();
    }
    return names.getOrDefault(resourceName, Set.of());
  }

  private static void add(Map<XdsType, Map<String, Set<String>>> byType, XdsType type, String name,
      String id) {
    byType.computeIfAbsent(type, t -> new TreeMap<>()).computeIfAbsent(name, n -> new TreeSet<>()).add(id);
  }
}
