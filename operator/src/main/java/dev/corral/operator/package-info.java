/** The Kubernetes side of Corral: informers feeding the MeshModel, policy status, leader election and sidecar injection. */
@NullMarked
package dev.corral.operator;

import org.jspecify.annotations.NullMarked;
