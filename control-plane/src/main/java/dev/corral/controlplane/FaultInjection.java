package dev.corral.controlplane;

import dev.corral.controlplane.xds.PolicyResolver;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TEST-ONLY fault injection: makes the sidecars refuse the resources of one named policy, so that
 * end-to-end tests can exercise the NACK path (one NACK, no storm, the reason recorded against the
 * policy) through the real translator. The translator and the sidecar agree on every field the
 * translator emits ({@code SidecarAcceptsTranslationTest}), so no real manifest triggers a NACK.
 *
 * <p>Enabled only by the system property {@value #PROPERTY}{@code =<namespace>/<policy name>}: every
 * Cluster shaped by that BalancePolicy gets {@code respect_dns_ttl: true}, a field Envoy has and the
 * Corral sidecar does not support. Without the property this is a no-op.
 */
record FaultInjection(@Nullable String policyId) {
  static final String PROPERTY = "corral.faultInjection.unsupportedFieldForPolicy";

  static FaultInjection fromSystemProperties() {
    String v = System.getProperty(PROPERTY, "");
    if (v.isBlank()) {
      return new FaultInjection(null);
    }
    int slash = v.indexOf('/');
    if (slash <= 0 || slash == v.length() - 1 || v.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "-D%s: '%s' (expected: <namespace>/<BalancePolicy name>)".formatted(PROPERTY, v));
    }
    return new FaultInjection(v.substring(0, slash) + "/BalancePolicy/" + v.substring(slash + 1));
  }

  boolean enabled() {
    return policyId != null;
  }

  XdsResources apply(XdsResources r, PolicyResolver policies) {
    if (policyId == null) {
      return r;
    }
    List<Cluster> clusters = new ArrayList<>(r.clusters().size());
    for (Cluster c : r.clusters()) {
      clusters.add(policies.policiesOf(XdsType.CDS, c.getName()).contains(policyId)
          ? c.toBuilder().setRespectDnsTtl(true).build() : c);
    }
    return new XdsResources(clusters, r.endpoints(), r.listeners(), r.routes());
  }
}
