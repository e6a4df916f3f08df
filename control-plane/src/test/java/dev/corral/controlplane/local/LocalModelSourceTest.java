package dev.corral.controlplane.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.SourceProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModelSourceTest {
  static final ServiceKey IMAGES = ServiceKey.of("shop", "images");
  static final ServiceKey FRONTEND = ServiceKey.of("shop", "frontend");

  static final String IMAGES_YAML = """
      apiVersion: v1
      kind: Service
      metadata: {name: images, namespace: shop}
      spec:
        ports:
        - {name: http, port: 8080, targetPort: 8080, appProtocol: http}
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: images-a
        namespace: shop
        labels: {kubernetes.io/service-name: images}
      addressType: IPv4
      ports: [{name: http, port: 18081}]
      endpoints:
      - addresses: [127.0.0.1]
        zone: zone-a
        targetRef: {kind: Pod, name: images-0}
      - addresses: [127.0.0.2]
        conditions: {ready: false, terminating: true}
      """;

  static final String FRONTEND_YAML = """
      apiVersion: v1
      kind: Service
      metadata: {name: frontend, namespace: shop}
      spec:
        ports: [{port: 80, targetPort: 18080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: frontend-a
        namespace: shop
        labels: {kubernetes.io/service-name: frontend}
      addressType: IPv4
      ports: [{port: 18080}]
      endpoints:
      - addresses: [127.0.0.1]
      """;

  static final String BALANCE_YAML = """
      apiVersion: corral.dev/v1alpha1
      kind: BalancePolicy
      metadata: {name: images, namespace: shop}
      spec:
        targetRef: {kind: Service, name: images}
        algorithm: LeastRequest
        retries: {attempts: 2, retryOn: [reset]}
      """;

  @TempDir Path dir;
  private final List<MeshModel> models = new CopyOnWriteArrayList<>();
  private LocalModelSource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.stop();
    }
  }

  private void start() {
    source = LocalModelSource.create(dir, Duration.ofMillis(100), Duration.ofMillis(500), java.time.Clock.systemUTC());
    source.start(models::add);
  }

  private MeshModel latest() {
    return models.get(models.size() - 1);
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  @Test
  void parsesTwoServicesWithEndpointsAndAPolicy() throws IOException {
    write("images.yaml", IMAGES_YAML);
    write("frontend.yml", FRONTEND_YAML);
    write("policies.yaml", BALANCE_YAML);
    start();

    MeshModel model = latest();
    assertThat(source.problems()).isEmpty();
    assertThat(model.services().keySet()).containsExactly(FRONTEND, IMAGES);
    assertThat(model.service(IMAGES).orElseThrow().port("http").orElseThrow().port()).isEqualTo(8080);
    assertThat(model.service(FRONTEND).orElseThrow().ports()).singleElement()
        .satisfies(p -> assertThat(p.name()).isEmpty());
    List<Endpoint> images = model.endpointsOf(IMAGES).endpoints();
    assertThat(images).extracting(Endpoint::address).containsExactly("127.0.0.1", "127.0.0.2");
    assertThat(images.get(0)).isEqualTo(new Endpoint("127.0.0.1", java.util.Map.of("http", 18081), "zone-a",
        true, true, false, "images-0"));
    assertThat(images.get(1).ready()).isFalse();
    assertThat(images.get(1).serving()).isFalse();
    assertThat(images.get(1).terminating()).isTrue();
    assertThat(model.endpointsOf(FRONTEND).endpoints()).singleElement()
        .satisfies(e -> assertThat(e.port("")).hasValue(18080));
    var policy = model.policyFor(PolicyKind.BALANCE, IMAGES).orElseThrow();
    assertThat(policy.spec().getAlgorithm()).isEqualTo(Algorithm.LEAST_REQUEST);
    assertThat(policy.generation()).isEqualTo(1);
  }

  @Test
  void editedFileGivesANewModelWithinASecond() throws IOException {
    write("images.yaml", IMAGES_YAML);
    write("policies.yaml", BALANCE_YAML);
    start();
    assertThat(latest().endpointsOf(IMAGES).endpoints()).hasSize(2);

    write("images.yaml", IMAGES_YAML.replace("- addresses: [127.0.0.2]", "- addresses: [127.0.0.3]"));
    write("policies.yaml", BALANCE_YAML.replace("LeastRequest", "Random"));

    await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(latest().endpointsOf(IMAGES).endpoints()).extracting(Endpoint::address)
          .containsExactly("127.0.0.1", "127.0.0.3");
      assertThat(latest().policyFor(PolicyKind.BALANCE, IMAGES).orElseThrow().spec().getAlgorithm())
          .isEqualTo(Algorithm.RANDOM);
    });
    // The source counts spec changes like the API server counts generations.
    assertThat(latest().policyFor(PolicyKind.BALANCE, IMAGES).orElseThrow().generation()).isEqualTo(2);
  }

  @Test
  void brokenFileKeepsItsLastGoodObjectsAndReportsFileAndLine() throws IOException {
    write("images.yaml", IMAGES_YAML);
    start();
    MeshModel good = latest();

    // Line 5 is "spec:"; the bad indentation on line 6 makes the document unparseable.
    write("images.yaml", IMAGES_YAML.replace("  ports:\n  - {name: http", "  ports:\n - {name: http"));

    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(source.problems()).singleElement()
        .satisfies(p -> {
          assertThat(p.source()).endsWith("images.yaml");
          assertThat(p.line()).isBetween(5, 7);
          assertThat(p.message()).startsWith("not valid YAML");
        }));
    assertThat(source.current()).isEqualTo(good);
    assertThat(source.current().endpointsOf(IMAGES).endpoints()).hasSize(2);

    write("images.yaml", IMAGES_YAML.replace("- addresses: [127.0.0.2]", "- addresses: [127.0.0.4]"));
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(source.problems()).isEmpty();
      assertThat(latest().endpointsOf(IMAGES).endpoints()).extracting(Endpoint::address).contains("127.0.0.4");
    });
  }

  @Test
  void wrongTypeIsReportedWithFieldAndLine() throws IOException {
    write("images.yaml", IMAGES_YAML);
    write("policies.yaml", BALANCE_YAML);
    start();

    write("policies.yaml", BALANCE_YAML.replace("attempts: 2", "attempts: two"));
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(source.problems()).singleElement()
        .satisfies(p -> {
          assertThat(p.field()).isEqualTo("spec.retries.attempts");
          assertThat(p.line()).isEqualTo(7);
          assertThat(p.object()).isEqualTo("BalancePolicy shop/images");
          assertThat(p.message()).isEqualTo("expected an integer");
        }));
    assertThat(source.current().policyFor(PolicyKind.BALANCE, IMAGES)).isPresent();
  }

  @Test
  void deletedFileTakesItsObjectsAway() throws IOException {
    write("images.yaml", IMAGES_YAML);
    write("frontend.yaml", FRONTEND_YAML);
    start();
    assertThat(latest().services()).containsKeys(IMAGES, FRONTEND);

    Files.delete(dir.resolve("frontend.yaml"));

    await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(latest().services().keySet()).containsExactly(IMAGES);
      assertThat(latest().endpoints()).doesNotContainKey(FRONTEND);
    });
  }

  @Test
  void invalidPolicyIsReportedNamingTheField() throws IOException {
    write("images.yaml", IMAGES_YAML);
    write("policies.yaml", BALANCE_YAML.replace("LeastRequest", "RingHash"));
    start();

    assertThat(latest().policyFor(PolicyKind.BALANCE, IMAGES)).isEmpty();
    assertThat(source.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.hashOn");
      assertThat(p.message()).isEqualTo("required for RingHash");
      assertThat(p.line()).isEqualTo(4); // no hashOn to point at: the nearest ancestor, spec
      assertThat(p.toString()).endsWith("policies.yaml:4: BalancePolicy shop/images: spec.hashOn: required for RingHash");
    });
  }

  @Test
  void unknownSpecFieldAndBadEnumAreRefused() throws IOException {
    write("policies.yaml", BALANCE_YAML.replace("algorithm: LeastRequest", "algorithm: Fastest")
        + "---\n" + BALANCE_YAML.replace("name: images,", "name: other,").replace("algorithm: LeastRequest", "algoritm: Random"));
    start();
    assertThat(source.problems()).extracting(SourceProblem::field, SourceProblem::line)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.algorithm", 6),
            org.assertj.core.groups.Tuple.tuple("spec.algoritm", 14));
    assertThat(source.problems().get(0).message())
        .isEqualTo("\"Fastest\" is not one of RoundRobin, Random, LeastRequest, PeakEwma, RingHash, Maglev");
    assertThat(source.problems().get(1).message()).startsWith("unknown field (known: algorithm, circuitBreaker,");
  }

  @Test
  void oldestPolicyWinsAndTheOtherIsConflicted() throws IOException {
    write("a.yaml", BALANCE_YAML.replace("name: images,", "name: newer, creationTimestamp: \"2025-02-01T00:00:00Z\","));
    write("b.yaml", BALANCE_YAML.replace("name: images,", "name: older, creationTimestamp: \"2025-01-01T00:00:00Z\","));
    start();
    var attachment = latest().attachment(PolicyKind.BALANCE, IMAGES).orElseThrow();
    assertThat(attachment.winner().name()).isEqualTo("older");
    assertThat(attachment.conflicted()).extracting(p -> p.name()).containsExactly("newer");
    assertThat(latest().targetNotFound()).hasSize(2);
  }

  @Test
  void sameObjectInTwoFilesIsReportedAndTheFirstFileWins() throws IOException {
    write("a.yaml", FRONTEND_YAML);
    write("b.yaml", FRONTEND_YAML.replace("port: 80,", "port: 81,"));
    start();
    assertThat(latest().service(FRONTEND).orElseThrow().ports().get(0).port()).isEqualTo(80);
    assertThat(source.problems()).anySatisfy(p -> {
      assertThat(p.source()).endsWith("b.yaml");
      assertThat(p.object()).isEqualTo("Service shop/frontend");
      assertThat(p.message()).contains("already defined in").contains("a.yaml");
    });
  }

  @Test
  void endpointSliceProblemsNameTheField() throws IOException {
    write("images.yaml", IMAGES_YAML.replace("addresses: [127.0.0.2]", "addresses: [images.local]"));
    start();
    assertThat(source.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("endpoints[1].addresses[0]");
      assertThat(p.line()).isEqualTo(20);
      assertThat(p.message()).isEqualTo("\"images.local\" is not an IP address");
    });
  }

  @Test
  void otherKindsAreTolerated() throws IOException {
    write("all.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n" + FRONTEND_YAML + "---\n");
    start();
    assertThat(source.problems()).isEmpty();
    assertThat(latest().services()).containsKey(FRONTEND);
  }

  @Test
  void reportsAMissingFolder() {
    source = LocalModelSource.create(dir.resolve("nope"));
    source.start(models::add);
    assertThat(latest()).isEqualTo(MeshModel.empty());
    assertThat(source.problems()).singleElement().satisfies(p -> assertThat(p.message()).isEqualTo("not a folder"));
  }
}
