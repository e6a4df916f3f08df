package dev.corral.bench.ads;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.TargetRef;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceEndpoints;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A mesh shaped like a mid-size cluster: {@code services} Services spread over {@code namespaces}
 * namespaces ({@code svc-<i>} in {@code ns-<i % namespaces>}), one HTTP port each, {@code
 * endpoints} ready pods per Service over three zones ({@code svc-<i>-<r>} at {@code 10.x.y.r}),
 * and one BalancePolicy per Service (round robin, request and connect timeouts, two retries).
 *
 * <p>{@link #model(int)} with a higher {@code revision} changes exactly one policy (the one of
 * {@code svc-0}): its request timeout (the shared route table, RDS) and its connect timeout (the
 * cluster, CDS), the two resource types a policy edit touches.
 */
record SyntheticMesh(int services, int endpoints, int namespaces) {

  SyntheticMesh {
    if (services < 1 || endpoints < 1 || endpoints > 250 || namespaces < 1 || namespaces > services) {
      throw new IllegalArgumentException("services >= 1, 1 <= endpoints <= 250, 1 <= namespaces <= services");
    }
  }

  static String namespaceOf(int service, int namespaces) {
    return "ns-" + (service % namespaces);
  }

  String namespaceOf(int service) {
    return namespaceOf(service, namespaces);
  }

  MeshModel model(int revision) {
    List<Service> svcs = new ArrayList<>(services);
    List<ServiceEndpoints> eps = new ArrayList<>(services);
    List<Policy<?>> policies = new ArrayList<>(services);
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < services; i++) {
      ServiceKey key = ServiceKey.of(namespaceOf(i), "svc-" + i);
      svcs.add(new Service(key, List.of(
          new ServicePort("http", 8080, ServicePort.TargetPort.named("http"), "TCP", "http"))));
      List<Endpoint> list = new ArrayList<>(endpoints);
      for (int r = 0; r < endpoints; r++) {
        String address = "10." + (i >> 8 & 255) + "." + (i & 255) + "." + (r + 1);
        list.add(new Endpoint(address, Map.of("http", 8080), "zone-" + (char) ('a' + r % 3),
            true, true, false, key.name() + "-" + r));
      }
      eps.add(new ServiceEndpoints(key, list));
      int bump = i == 0 ? revision : 0;
      BalancePolicySpec spec = new BalancePolicySpec()
          .withTargetRef(new TargetRef().withKind("Service").withName(key.name()))
          .withAlgorithm(Algorithm.ROUND_ROBIN)
          .withTimeouts(new BalancePolicySpec.Timeouts()
              .withRequest((5 + bump) + "s").withConnect((1000 + bump) + "ms"))
          .withRetries(new BalancePolicySpec.Retries().withAttempts(2));
      policies.add(new Policy<>(PolicyKind.BALANCE, key.namespace(), key.name(), 1 + bump, created,
          key, spec));
    }
    return MeshModel.of(svcs, eps, policies);
  }
}
