package dev.corral.operator.inject;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated webhook certificate, shared by every controller replica through a
 * {@code kubernetes.io/tls} Secret: the first replica to start creates it, the others use it, so
 * the caBundle they patch is the same. A certificate that no longer covers the Service's names or
 * expires within 30 days is replaced.
 *
 * <p>RBAC: {@code get}, {@code create}, {@code update} secrets in the controller's namespace.
 */
final class SharedCertificate {
  private static final Logger log = LoggerFactory.getLogger(SharedCertificate.class);
  static final String SECRET = "corral-webhook-tls";
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private SharedCertificate() {}

  static WebhookCertificates loadOrCreate(KubernetesClient client, String namespace, List<String> dnsNames) {
    try {
      return shared(client, namespace, dnsNames);
    } catch (KubernetesClientException e) {
      // E.g. no RBAC on secrets: one replica still works with a certificate of its own.
      log.warn("cannot share the webhook certificate through Secret {}/{} ({}): using one of this replica's own;"
          + " with several replicas, the caBundle fits only the last one started", namespace, SECRET, e.getMessage());
      return WebhookCertificates.generate(dnsNames, List.of());
    }
  }

  private static WebhookCertificates shared(KubernetesClient client, String namespace, List<String> dnsNames) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Secret existing = client.secrets().inNamespace(namespace).withName(SECRET).get();
      WebhookCertificates current = existing == null ? null : read(existing);
      if (current != null && current.covers(dnsNames, Instant.now().plus(RENEW_BEFORE))) {
        log.info("webhook certificate from Secret {}/{}", namespace, SECRET);
        return current;
      }
      WebhookCertificates fresh = WebhookCertificates.generate(dnsNames, List.of());
      Secret secret = new SecretBuilder()
          .withNewMetadata().withName(SECRET).withNamespace(namespace)
          .withResourceVersion(existing == null ? null : existing.getMetadata().getResourceVersion())
          .addToLabels("app.kubernetes.io/part-of", "corral").endMetadata()
          .withType("kubernetes.io/tls")
          .withData(Map.of("tls.crt", b64(fresh.chainPem()), "tls.key", b64(fresh.keyPem()), "ca.crt", b64(fresh.caPem())))
          .build();
      try {
        if (existing == null) {
          client.secrets().inNamespace(namespace).resource(secret).create();
        } else {
          client.secrets().inNamespace(namespace).resource(secret).update();
        }
        log.info("webhook certificate generated and stored in Secret {}/{}", namespace, SECRET);
        return fresh;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Another replica wrote it first: use theirs.
      }
    }
    throw new IllegalStateException("Secret " + namespace + "/" + SECRET + " keeps changing; giving up");
  }

  private static @Nullable WebhookCertificates read(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
      return null;
    }
    try {
      return WebhookCertificates.fromPem(unb64(data.get("tls.crt")), unb64(data.get("tls.key")),
          data.containsKey("ca.crt") ? unb64(data.get("ca.crt")) : null);
    } catch (IllegalArgumentException e) {
      log.warn("Secret {}: unreadable certificate, replacing it: {}", SECRET, e.getMessage());
      return null;
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }
}
