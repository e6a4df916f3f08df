package dev.corral.operator.inject;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;

/** Test pods and configuration shared by the injection tests. */
final class Pods {
  private Pods() {}

  static final InjectionConfig CONFIG = InjectionConfig.defaults("0.1.0").withControlPlaneAddress("127.0.0.1:15010");
  static final PodEnvironment SHOP = new PodEnvironment("shop", Map.of("corral.dev/inject", "enabled"), "10.96.0.10");

  /** A pod as a Deployment's ReplicaSet creates it: generated name, app port 8080. */
  static Pod deploymentPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("images-7d9f8c6b5-")
        .withNamespace("shop")
        .withLabels(Map.of("app", "images", "pod-template-hash", "7d9f8c6b5"))
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("images-7d9f8c6b5")
        .withUid("0b4c1d7e").withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer().withName("app").withImage("images:1.0")
        .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
        .addNewPort().withName("metrics").withContainerPort(9090).endPort()
        .endContainer()
        .endSpec()
        .build();
  }

  static Pod withAnnotations(Pod pod, Map<String, String> annotations) {
    return new PodBuilder(pod).editMetadata().addToAnnotations(annotations).endMetadata().build();
  }

  static List<String> names(List<io.fabric8.kubernetes.api.model.Container> containers) {
    return containers.stream().map(io.fabric8.kubernetes.api.model.Container::getName).toList();
  }
}
