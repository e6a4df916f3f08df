package dev.corral.operator.inject;

import static dev.corral.operator.inject.Pods.CONFIG;
import static dev.corral.operator.inject.Pods.deploymentPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.operator.Rbac;
import dev.corral.operator.RbacTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real HTTPS round trip to the webhook, with the Kubernetes API from fabric8's mock server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class WebhookServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OLD_BUNDLE = Base64.getEncoder().encodeToString("old".getBytes(StandardCharsets.UTF_8));

  KubernetesClient client;
  KubernetesMockServer server;

  @BeforeEach
  void cluster() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("corral.dev/inject", "enabled").endMetadata().build()).create();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
        new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("corral-sidecar-injector").endMetadata()
            .addNewWebhook().withName("sidecar.corral.dev").withAdmissionReviewVersions("v1")
            .withSideEffects("None").withFailurePolicy("Ignore")
            .withNewClientConfig().withCaBundle(OLD_BUNDLE).withNewService().withName("corral-controller")
            .withNamespace("corral-system").withPath("/inject").withPort(15017).endService().endClientConfig()
            .endWebhook()
            .build()).create();
  }

  @Test
  void servesAdmissionReviewsOverHttpsWithTheGeneratedCertificateAndPatchesItsCa() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, CONFIG, options(null))) {
      String caBundle = server.certificates().caBundle();
      assertThat(webhookCaBundle()).isEqualTo(caBundle);

      HttpResponse<String> response = post(server, trusting(server.certificates().caPem()));

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
      JsonNode patch = JSON.readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
      JsonNode pod = JsonPatch.apply(patch, JSON.valueToTree(deploymentPod()));
      assertThat(pod.at("/spec/containers/1/name").asText()).isEqualTo("corral-sidecar");
      assertThat(pod.at("/metadata/annotations/corral.dev~1injected").asText()).isEqualTo("0.1.0");
    }
  }

  @Test
  void twoReplicasShareOneCertificateThroughASecret() throws Exception {
    try (WebhookServer first = WebhookServer.start(client, CONFIG, options(null));
        WebhookServer second = WebhookServer.start(client, CONFIG, options(null))) {
      assertThat(second.certificates().caPem()).isEqualTo(first.certificates().caPem());
      assertThat(webhookCaBundle()).isEqualTo(first.certificates().caBundle());
      assertThat(client.secrets().inNamespace("corral-system").withName("corral-webhook-tls").get().getType())
          .isEqualTo("kubernetes.io/tls");
      assertThat(post(second, trusting(first.certificates().caPem())).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCaCannotConnect() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, CONFIG, options(null))) {
      String otherCa = WebhookCertificates.generate(List.of("localhost"), List.of()).caPem();

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> post(server, trusting(otherCa)))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void usesACertManagerDirectoryAsIsAndPatchesNothing(@TempDir Path dir) throws Exception {
    WebhookCertificates managed = WebhookCertificates.generate(List.of("localhost"), List.of());
    Files.writeString(dir.resolve("tls.crt"), WebhookCertificates.pem(managed.chain().get(0)));
    // PKCS#8, as cert-manager writes with privateKey.encoding: PKCS8.
    Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(managed.key().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("ca.crt"), managed.caPem());

    try (WebhookServer server = WebhookServer.start(client, CONFIG, options(dir))) {
      assertThat(webhookCaBundle()).isEqualTo(OLD_BUNDLE);
      assertThat(post(server, trusting(managed.caPem())).statusCode()).isEqualTo(200);
    }
  }

  /**
   * The webhook's requests (the shared Secret created, then replaced once stale, the caBundle
   * patched, a namespace read) are exactly {@link Rbac}'s INJECTION_WEBHOOK rules, and the Secret
   * is in the controller's namespace.
   */
  @Test
  void requestsAreExactlyTheWebhooksRbacRules() throws Exception {
    Set<RbacTest.Access> used = new TreeSet<>();
    List<String> paths = new java.util.ArrayList<>();
    skipRequests();
    try (WebhookServer first = WebhookServer.start(client, CONFIG, options(null))) {
      assertThat(post(first, trusting(first.certificates().caPem())).statusCode()).isEqualTo(200);
    }
    paths.addAll(takeRequests(used));
    client.secrets().inNamespace("corral-system").withName(WebhookServer.TLS_SECRET)
        .edit(s -> new SecretBuilder(s).withData(Map.of("tls.crt", "c3RhbGU=", "tls.key", "c3RhbGU=")).build());
    skipRequests();
    try (WebhookServer second = WebhookServer.start(client, CONFIG, options(null))) {
      assertThat(second.certificates().caPem()).isNotBlank();
    }
    paths.addAll(takeRequests(used));

    assertThat(used).isEqualTo(RbacTest.granted(rule -> rule.user() == Rbac.User.INJECTION_WEBHOOK));
    assertThat(paths).filteredOn(p -> p.contains("/secrets")).isNotEmpty()
        .allMatch(p -> p.startsWith("/api/v1/namespaces/corral-system/secrets"));
  }

  private void skipRequests() throws InterruptedException {
    while (server.takeRequest(100, TimeUnit.MILLISECONDS) != null) {
      // requests of the test's own setup
    }
  }

  private List<String> takeRequests(Set<RbacTest.Access> used) throws InterruptedException {
    List<String> paths = new java.util.ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      used.add(RbacTest.access(r.getMethod(), r.getPath()));
      paths.add(r.getPath());
    }
    return paths;
  }

  @Test
  void anythingButPostInjectIsRefused() throws Exception {
    try (WebhookServer server = WebhookServer.start(client, CONFIG, options(null))) {
      HttpClient http = HttpClient.newBuilder().sslContext(trusting(server.certificates().caPem())).build();
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri(server)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(uri(server))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(garbage.statusCode()).isEqualTo(400);
    }
  }

  private static WebhookServer.Options options(Path certDir) {
    return new WebhookServer.Options(new InetSocketAddress("127.0.0.1", 0), "corral-controller", "corral-system",
        "corral-sidecar-injector", certDir, List.of("localhost"));
  }

  private String webhookCaBundle() {
    MutatingWebhookConfiguration c = client.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName("corral-sidecar-injector").get();
    return c.getWebhooks().get(0).getClientConfig().getCaBundle();
  }

  private static URI uri(WebhookServer server) {
    return URI.create("https://localhost:" + server.address().getPort() + WebhookServer.PATH);
  }

  private static HttpResponse<String> post(WebhookServer server, SSLContext trust) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
    return http.send(HttpRequest.newBuilder(uri(server))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(AdmissionHandlerTest.review(deploymentPod(), "shop"))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(String caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
