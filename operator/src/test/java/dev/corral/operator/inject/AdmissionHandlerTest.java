package dev.corral.operator.inject;

import static dev.corral.operator.inject.Pods.CONFIG;
import static dev.corral.operator.inject.Pods.SHOP;
import static dev.corral.operator.inject.Pods.deploymentPod;
import static dev.corral.operator.inject.Pods.withAnnotations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** AdmissionReview JSON in, JSONPatch out, applied with the same library to the pod. */
class AdmissionHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Function<String, Map<String, String>> LABELS =
      ns -> ns.equals("shop") ? SHOP.namespaceLabels() : Map.of();
  private static final Function<String, String> RESOLVE = host -> "10.96.0.10";

  private final AdmissionHandler handler = new AdmissionHandler(new SidecarInjector(CONFIG), LABELS, RESOLVE);

  @Test
  void thePatchTurnsThePodIntoTheInjectedPod() throws Exception {
    Pod pod = deploymentPod();
    JsonNode response = respond(handler, pod);

    assertThat(response.at("/apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(response.at("/response/uid").asText()).isEqualTo("a1b2c3");
    assertThat(response.at("/response/allowed").asBoolean()).isTrue();
    assertThat(response.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patched = JsonPatch.apply(patch(response), JSON.valueToTree(pod));

    assertThat(JSON.treeToValue(patched, Pod.class)).isEqualTo(new SidecarInjector(CONFIG).inject(pod, SHOP));
  }

  @Test
  void aPatchedPodAdmittedAgainGetsNoPatch() throws Exception {
    Pod pod = deploymentPod();
    JsonNode patched = JsonPatch.apply(patch(respond(handler, pod)), JSON.valueToTree(pod));

    JsonNode again = respond(handler, JSON.treeToValue(patched, Pod.class));

    assertThat(again.at("/response/allowed").asBoolean()).isTrue();
    assertThat(again.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void excludedPodsGetNoPatch() throws Exception {
    for (Pod pod : new Pod[] {withAnnotations(deploymentPod(), Map.of("corral.dev/inject", "false")),
        new io.fabric8.kubernetes.api.model.PodBuilder(deploymentPod()).editSpec().withHostNetwork(true).endSpec().build()}) {
      JsonNode response = respond(handler, pod);
      assertThat(response.at("/response/allowed").asBoolean()).isTrue();
      assertThat(response.at("/response/patch").isMissingNode()).isTrue();
    }
    JsonNode otherNamespace = respond(handler, deploymentPod(), "default");
    assertThat(otherNamespace.at("/response/patch").isMissingNode()).isTrue();
  }

  @Test
  void anInjectionFailureAdmitsThePodUnchangedWithAWarning() throws Exception {
    AdmissionHandler broken = new AdmissionHandler(new SidecarInjector(CONFIG), LABELS, host -> {
      throw new IllegalStateException("control plane address " + host + " does not resolve");
    });

    JsonNode response = respond(broken, deploymentPod());

    assertThat(response.at("/response/allowed").asBoolean()).isTrue();
    assertThat(response.at("/response/patch").isMissingNode()).isTrue();
    assertThat(response.at("/response/warnings/0").asText()).startsWith("corral: sidecar not injected")
        .contains("does not resolve");
  }

  @Test
  void aMalformedExclusionAnnotationRefusesThePodNamingIt() throws Exception {
    Pod pod = withAnnotations(deploymentPod(), Map.of("corral.dev/exclude-inbound-ports", "http"));

    JsonNode response = respond(handler, pod);

    assertThat(response.at("/response/allowed").asBoolean()).isFalse();
    assertThat(response.at("/response/status/code").asInt()).isEqualTo(400);
    assertThat(response.at("/response/status/message").asText())
        .contains("metadata.annotations[corral.dev/exclude-inbound-ports]");
  }

  @Test
  void aBodyThatIsNoAdmissionReviewIsABadRequest() {
    assertThatThrownBy(() -> handler.handle("{\"kind\": \"AdmissionReview\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request.uid");
  }

  static JsonNode respond(AdmissionHandler handler, Pod pod) throws Exception {
    return respond(handler, pod, "shop");
  }

  static JsonNode respond(AdmissionHandler handler, Pod pod, String namespace) throws Exception {
    return JSON.readTree(handler.handle(review(pod, namespace)));
  }

  /** An AdmissionReview v1 as the API server sends it for a pod CREATE. */
  static String review(Pod pod, String namespace) throws Exception {
    ObjectNode request = JSON.createObjectNode()
        .put("uid", "a1b2c3")
        .put("namespace", namespace)
        .put("operation", "CREATE");
    request.set("kind", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}"));
    request.set("resource", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"}"));
    ObjectNode object = JSON.valueToTree(pod);
    object.put("apiVersion", "v1").put("kind", "Pod");
    request.set("object", object);
    ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    review.set("request", request);
    return JSON.writeValueAsString(review);
  }

  static JsonNode patch(JsonNode response) throws Exception {
    return JSON.readTree(Base64.getDecoder().decode(response.at("/response/patch").asText()));
  }
}
