/**
 * Policy status in one place: {@link dev.corral.controlplane.status.PolicyConditions} holds the
 * rules, which the operator's status writer uses too; {@link dev.corral.controlplane.status.PolicyStatuses} derives each
 * policy's {@code Accepted} condition from the model and the source's problems (invalid, conflicted
 * — the oldest wins —, target not found) and its {@code Programmed} condition from what the
 * sidecars ACKed ({@link dev.corral.controlplane.status.XdsSync}). Local mode serves it at
 * {@code GET /api/v1/policies}; the operator writes the same conditions to each policy's status.
 */
@NullMarked
package dev.corral.controlplane.status;

import org.jspecify.annotations.NullMarked;
