package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What the injector needs to know beyond the pod itself, gathered by the webhook per request.
 *
 * @param namespace the pod's namespace (the AdmissionRequest's: a new pod's metadata may lack it)
 * @param namespaceLabels the labels of that namespace
 * @param controlPlaneIp the control plane Service's IP: the sidecar's bootstrap names its ADS
 *     server by address, since STATIC clusters resolve no names (docs/bootstrap.md)
 */
public record PodEnvironment(String namespace, Map<String, String> namespaceLabels, String controlPlaneIp) {
  public PodEnvironment {
    requireNonNull(namespace, "namespace");
    namespaceLabels = Map.copyOf(requireNonNull(namespaceLabels, "namespaceLabels"));
    requireNonNull(controlPlaneIp, "controlPlaneIp");
  }
}
