package dev.corral.controlplane.xds;

import com.google.common.collect.ImmutableSet;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes a NACK wait for the next version instead of re-sending the rejected one.
 *
 * <p>{@link AdsStream} has already rewritten a NACK's {@code version_info} to the rejected
 * version, so {@code SimpleCache} sees an up-to-date client and opens a watch. Two other paths in
 * {@code SimpleCache} answer at once regardless of version; both are closed here for NACKs: names
 * the stream has not ACKed count as "new" (so a rejected EDS/RDS response would be re-sent), and
 * {@code hasClusterChanged} re-sends EDS after any CDS response.
 */
final class NackHoldingWatcher implements ConfigWatcher {
  private final ConfigWatcher delegate;

  NackHoldingWatcher(ConfigWatcher delegate) {
    this.delegate = delegate;
  }

  @Override
  public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
      Consumer<Response> responseConsumer, boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    if (request.hasErrorDetail()) {
      knownResourceNames = ImmutableSet.copyOf(request.getResourceNamesList());
      hasClusterChanged = false;
    }
    return delegate.createWatch(ads, request, knownResourceNames, responseConsumer,
        hasClusterChanged, allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
      Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
    return delegate.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources,
        isWildcard, responseConsumer, hasClusterChanged);
  }
}
