package dev.corral.sidecar.filter;

import dev.corral.sidecar.cache.CacheConfig;
import dev.corral.sidecar.collapse.CollapseSettings;
import org.jspecify.annotations.Nullable;

/** A route's per-filter overrides (null: the listener's config applies). */
public record RouteFilters(@Nullable FilterOverride<CacheConfig> cache,
    @Nullable FilterOverride<CollapseSettings> collapse) {
  public static final RouteFilters NONE = new RouteFilters(null, null);
}
