package dev.corral.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Kubernetes client the controller uses: fabric8 on the JDK HTTP client (the vertx one pulls
 * Netty 4.1 next to the control plane's 4.2), with a tolerant deserializer.
 */
public final class KubernetesClients {
  /** The controller's User-Agent. */
  public static final String USER_AGENT = "corral-controller";

  private KubernetesClients() {}

  /**
   * A serializer that ignores fields it does not know: an object written by a newer Kubernetes or
   * a newer CRD version must not fail its informer's list and watch (which would stop every update
   * of that kind, not just that object's).
   */
  public static KubernetesSerialization tolerantSerialization() {
    ObjectMapper mapper = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
    return new KubernetesSerialization(mapper, true);
  }

  /** A client for the in-cluster service account, or the kubeconfig (KUBECONFIG, ~/.kube/config). */
  public static KubernetesClient create() {
    Config config = Config.autoConfigure(null);
    // Names the controller in the API server's audit log.
    config.setUserAgent(USER_AGENT);
    return configure(new KubernetesClientBuilder().withConfig(config)).build();
  }

  /** Applies the controller's choices (HTTP client, serialization) to a builder; tests use it too. */
  public static KubernetesClientBuilder configure(KubernetesClientBuilder builder) {
    return builder.withHttpClientFactory(new JdkHttpClientFactory())
        .withKubernetesSerialization(tolerantSerialization());
  }
}
