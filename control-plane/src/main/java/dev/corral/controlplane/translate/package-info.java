/**
 * Translation: a {@link dev.corral.controlplane.model.MeshModel} and a node's
 * {@link dev.corral.controlplane.translate.NodeContext} in, the Envoy v3 resources of that node
 * group out (pure functions; {@link dev.corral.controlplane.translate.Translator}).
 *
 * <p>Design: one small builder per resource kind (Clusters, Endpoints, Routes, Listeners), each
 * mapping a BalancePolicy field to the Envoy field of the same meaning (API.md; never bending a
 * field). Only fields the sidecar supports are generated; a test runs every resource through the
 * sidecar's own {@code ResourceChecks}, so the two cannot drift apart. Names follow Istio
 * ({@link dev.corral.controlplane.translate.Names}); the sidecar's stats read services from them.
 * Cache and collapse filters plug in through {@link dev.corral.controlplane.translate.PlacementFilters}.
 */
@NullMarked
package dev.corral.controlplane.translate;

import org.jspecify.annotations.NullMarked;
