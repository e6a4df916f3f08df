/**
 * The ADS server: Envoy v3 resources per node group, published to sidecars over gRPC.
 *
 * <p>Design: java-control-plane's {@code V3DiscoveryServer} and {@code SimpleCache} do the
 * protocol; Corral wraps both ends. {@link dev.corral.controlplane.xds.SnapshotPublisher} checks
 * each group's {@link dev.corral.controlplane.xds.XdsResources} before it reaches the cache
 * (an inconsistent set is refused and the last good one kept), coalesces bursts and versions each
 * type by a hash of its content, so only changed types are re-sent. Each ADS stream passes
 * through an {@code AdsStream}, which stamps the first message's node on later messages (else
 * {@code SimpleCache} would group them under an empty node), tells ACKs from NACKs by nonce for
 * the {@link dev.corral.controlplane.xds.AckTracker} and the metrics, and turns a NACK into
 * "up to date with the rejected version" so the cache holds it until a new version exists; the
 * {@code NackHoldingWatcher} closes the two cache paths that would answer a NACK at once anyway.
 * Without both, {@code SimpleCache} re-sends a rejected version immediately, forever.
 *
 * <p>Responses leave through a {@code FlowControlledResponses} per stream: it honours gRPC flow
 * control (while a call is not ready only the latest response per type waits), takes each
 * response's bytes from a {@code SendBudget} shared by all streams until they are written, and
 * fails a stream with {@code UNAVAILABLE} when a response cannot be sent, so the sidecar
 * reconnects and resyncs instead of waiting forever (docs/control-plane-xds.md).
 */
@NullMarked
package dev.corral.controlplane.xds;

import org.jspecify.annotations.NullMarked;
