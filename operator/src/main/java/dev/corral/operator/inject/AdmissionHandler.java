package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AdmissionReview v1 in, AdmissionReview out: runs {@link SidecarInjector} on the pod and answers
 * with the RFC 6902 JSON patch between the pod before and after, computed by zjsonpatch.
 *
 * <p>An injection bug (or a control plane address that does not resolve) never stops a pod: the
 * answer is then {@code allowed: true} without a patch, a warning the client sees, and a log
 * line. Only an exclusion annotation that does not parse refuses the pod, with a message naming
 * it: that is the pod author's mistake, and a pod meshed without the exclusion would misbehave.
 */
public final class AdmissionHandler {
  private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

  private final SidecarInjector injector;
  private final Function<String, Map<String, String>> namespaceLabels;
  private final Function<String, String> resolveHost;
  private final ObjectMapper json = new ObjectMapper();
  /** fabric8's serialization on {@link #json}: it registers the Kubernetes model's modules there. */
  private final KubernetesSerialization serialization = new KubernetesSerialization(json, true);

  /**
   * @param namespaceLabels a namespace's labels (empty when it is unknown)
   * @param resolveHost the IP address of a host name (the control plane Service's); may throw
   */
  public AdmissionHandler(SidecarInjector injector, Function<String, Map<String, String>> namespaceLabels,
      Function<String, String> resolveHost) {
    this.injector = requireNonNull(injector, "injector");
    this.namespaceLabels = requireNonNull(namespaceLabels, "namespaceLabels");
    this.resolveHost = requireNonNull(resolveHost, "resolveHost");
  }

  /** Answers one AdmissionReview (JSON); a body that is not one gets an IllegalArgumentException. */
  public String handle(String reviewJson) {
    AdmissionReview review;
    try {
      review = serialization.unmarshal(reviewJson, AdmissionReview.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an AdmissionReview: " + e.getMessage(), e);
    }
    AdmissionRequest request = review.getRequest();
    if (request == null || request.getUid() == null) {
      throw new IllegalArgumentException("AdmissionReview without request.uid");
    }
    AdmissionReview answer = new AdmissionReviewBuilder()
        .withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview")
        .withResponse(respond(request))
        .build();
    return serialization.asJson(answer);
  }

  private AdmissionResponse respond(AdmissionRequest request) {
    AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(true);
    String where = request.getNamespace() + "/" + (request.getName() != null ? request.getName() : "(generated name)");
    try {
      if (!"Pod".equals(request.getKind() == null ? null : request.getKind().getKind())) {
        return response.build();
      }
      Pod pod = json.convertValue(request.getObject(), Pod.class);
      String namespace = request.getNamespace() != null ? request.getNamespace()
          : pod.getMetadata().getNamespace();
      PodEnvironment env = new PodEnvironment(namespace, namespaceLabels.apply(namespace), "0.0.0.0");
      String skip = injector.skipReason(pod, env);
      if (skip != null) {
        log.debug("{}: not injected: {}", where, skip);
        return response.build();
      }
      HostPort controlPlane = HostPort.parse("controlPlaneAddress", injector.config().controlPlaneAddress());
      env = new PodEnvironment(namespace, env.namespaceLabels(), resolveHost.apply(controlPlane.host()));
      Pod injected;
      try {
        injected = injector.inject(pod, env);
      } catch (IllegalArgumentException e) {
        log.info("{}: refused: {}", where, e.getMessage());
        return response.withAllowed(false)
            .withStatus(new StatusBuilder().withCode(400).withMessage("corral: " + e.getMessage()).build())
            .build();
      }
      JsonNode patch = JsonDiff.asJson(json.valueToTree(pod), json.valueToTree(injected));
      if (patch.isEmpty()) {
        return response.build();
      }
      log.info("{}: injected the sidecar", where);
      return response.withPatchType("JSONPatch")
          .withPatch(Base64.getEncoder().encodeToString(json.writeValueAsBytes(patch)))
          .build();
    } catch (Exception | LinkageError e) {
      log.warn("{}: sidecar NOT injected, pod admitted as is: {}", where, e.toString(), e);
      return response.withAllowed(true).withPatch(null).withPatchType(null)
          .withWarnings(List.of("corral: sidecar not injected: " + e))
          .build();
    }
  }
}
