package dev.corral.operator;

import dev.corral.api.WellKnown;
import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.api.v1alpha1.TargetRef;
import dev.corral.controlplane.model.KubernetesObjects;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.operator.leader.LeaderElection;
import dev.corral.operator.watch.KubernetesModelSource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A mock API server (fabric8, CRUD mode) made to look like a cluster with Corral installed: the
 * three CRDs registered with a status subresource, and helpers that create the objects the
 * scenarios need. There is no generated CRD YAML to load yet, so the CRDs are built here; they carry
 * only what the mock needs (names, scope, the status subresource), not the schema.
 */
final class MockCluster {
  /** The User-Agent of controller clients, so that their requests can be told from the test's. */
  static final String CONTROLLER_AGENT = "corral-controller-test";
  static final String LEASE_NAMESPACE = "corral-system";
  static final String LEASE_NAME = "corral-controller";

  private final KubernetesMockServer server;
  final KubernetesClient client;
  private final List<Controller> controllers = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  MockCluster(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
    for (PolicyKind<?> kind : PolicyKind.all()) {
      if (client.apiextensions().v1().customResourceDefinitions().withName(crdName(kind)).get() == null) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd(kind)).create();
      }
    }
  }

  static String crdName(PolicyKind<?> kind) {
    return kind.plural() + "." + WellKnown.GROUP;
  }

  static CustomResourceDefinition crd(PolicyKind<?> kind) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(crdName(kind)).endMetadata()
        .withNewSpec()
        .withGroup(WellKnown.GROUP).withScope("Namespaced")
        .withNewNames().withKind(kind.kind()).withPlural(kind.plural())
        .withSingular(kind.kind().toLowerCase(Locale.ROOT)).withListKind(kind.kind() + "List").endNames()
        .addNewVersion().withName(WellKnown.VERSION).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema()
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .endVersion()
        .endSpec()
        .build();
  }

  /** A client like the controller's (tolerant serialization), marked with {@link #CONTROLLER_AGENT}. */
  KubernetesClient controllerClient() {
    Config config = new ConfigBuilder(client.getConfiguration()).withUserAgent(CONTROLLER_AGENT).build();
    KubernetesClient c = KubernetesClients.configure(new KubernetesClientBuilder().withConfig(config)).build();
    clients.add(c);
    return c;
  }

  /** Starts a controller on loopback with free ports, short lease timings and a quick debounce. */
  Controller startController(String identity) throws InterruptedException {
    LeaderElection.Options lease = new LeaderElection.Options(LEASE_NAMESPACE, LEASE_NAME, identity,
        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200));
    Controller c = Controller.builder(controllerClient(), lease)
        .source(new KubernetesModelSource.Options(null, Duration.ofMillis(50), Duration.ofMinutes(10), Duration.ofSeconds(20)))
        .address("127.0.0.1").xdsPort(0).httpPort(0)
        .statusInterval(Duration.ofMillis(200))
        .build();
    controllers.add(c);
    return c.start();
  }

  void close() {
    controllers.forEach(Controller::close);
    clients.forEach(KubernetesClient::close);
  }

  // --- objects ---------------------------------------------------------------------------------

  Service service(String ns, String name, int port) {
    return client.services().inNamespace(ns).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort().endSpec()
        .build()).create();
  }

  /** One endpoint of a slice: address, pod, and its conditions (null: absent). */
  record Ep(String address, String pod, @Nullable Boolean ready, @Nullable Boolean serving, @Nullable Boolean terminating) {
    static Ep ready(String address, String pod) {
      return new Ep(address, pod, true, true, false);
    }
  }

  EndpointSlice slice(String ns, String name, String service, int port, Ep... endpoints) {
    return client.discovery().v1().endpointSlices().inNamespace(ns).resource(sliceObject(ns, name, service, port, endpoints))
        .createOr(existing -> existing.update());
  }

  static EndpointSlice sliceObject(String ns, String name, String service, int port, Ep... endpoints) {
    EndpointSliceBuilder b = new EndpointSliceBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
            .addToLabels(KubernetesObjects.SERVICE_NAME_LABEL, service).build())
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
    for (Ep e : endpoints) {
      b.addToEndpoints(new EndpointBuilder().withAddresses(e.address())
          .withNewConditions().withReady(e.ready()).withServing(e.serving()).withTerminating(e.terminating()).endConditions()
          .withNewTargetRef().withKind("Pod").withName(e.pod()).withNamespace(ns).endTargetRef()
          .withZone("zone-a")
          .build());
    }
    return b.build();
  }

  static BalancePolicySpec balance(String target, Algorithm algorithm) {
    BalancePolicySpec spec = new BalancePolicySpec();
    spec.setTargetRef(new TargetRef().withKind("Service").withName(target));
    spec.setAlgorithm(algorithm);
    return spec;
  }

  BalancePolicy balancePolicy(String ns, String name, BalancePolicySpec spec) {
    BalancePolicy p = new BalancePolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(spec);
    return client.resources(BalancePolicy.class).inNamespace(ns).resource(p).create();
  }

  /**
   * Edits the spec as {@code kubectl edit} does: read, change, write with the read resourceVersion,
   * and on a 409 (the controller patched the status in between) read again and retry.
   */
  BalancePolicy updateBalancePolicy(String ns, String name, java.util.function.Consumer<BalancePolicySpec> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(BalancePolicy.class).inNamespace(ns).withName(name).edit(p -> {
          change.accept(p.getSpec());
          return p;
        });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Nullable BalancePolicy getBalancePolicy(String ns, String name) {
    return client.resources(BalancePolicy.class).inNamespace(ns).withName(name).get();
  }

  /** The condition {@code type} of a BalancePolicy's status, or null. */
  @Nullable Condition condition(String ns, String name, String type) {
    BalancePolicy p = getBalancePolicy(ns, name);
    PolicyStatus s = p == null ? null : p.getStatus();
    if (s == null || s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Creates or replaces the spec of a policy of any kind, as untyped JSON (it may not bind). */
  void generic(PolicyKind<?> kind, String ns, String name, Map<String, Object> spec) {
    var resources = client.genericKubernetesResources(KubernetesModelSource.context(kind)).inNamespace(ns);
    GenericKubernetesResource existing = resources.withName(name).get();
    if (existing == null) {
      GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
          .withApiVersion(WellKnown.API_VERSION).withKind(kind.kind())
          .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .build();
      r.setAdditionalProperty("spec", spec);
      resources.resource(r).create();
    } else {
      resources.withName(name).edit(r -> {
        r.setAdditionalProperty("spec", spec);
        return r;
      });
    }
  }

  /** The condition {@code type} of any policy's status, or null. */
  @Nullable Condition condition(PolicyKind<?> kind, String ns, String name, String type) {
    GenericKubernetesResource r = client.genericKubernetesResources(KubernetesModelSource.context(kind))
        .inNamespace(ns).withName(name).get();
    Object status = r == null ? null : r.get("status");
    if (status == null) {
      return null;
    }
    PolicyStatus s = client.getKubernetesSerialization().convertValue(status, PolicyStatus.class);
    return s.getConditions() == null ? null
        : s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  KubernetesMockServer server() {
    return server;
  }
}
