/**
 * The sidecar's xDS client: Envoy's aggregated discovery service (ADS, state-of-the-world, v3)
 * over one gRPC stream.
 *
 * <p>{@link dev.corral.sidecar.xds.AdsClient} owns the stream (subscriptions, ACK/NACK,
 * reconnect with back-off); {@code XdsState} holds the accepted resources and turns each response
 * into changes (validate every resource with the bootstrap's rules, diff, apply); the sidecar
 * applies them through {@link dev.corral.sidecar.xds.XdsTarget}: clusters and listeners are
 * immutable and replaced whole, published through volatile fields, so traffic in flight never
 * sees half an update. A refused response changes nothing. See docs/sidecar.md, "xDS".
 */
package dev.corral.sidecar.xds;
