/**
 * Kubernetes watches → the MeshModel: fabric8 informers on Services, EndpointSlices, Pods,
 * Namespaces and the policy kinds, rebuilt whole (debounced) into one model for the control plane
 * ({@link dev.corral.operator.watch.KubernetesModelSource}). See docs/operator.md.
 */
@NullMarked
package dev.corral.operator.watch;

import org.jspecify.annotations.NullMarked;
