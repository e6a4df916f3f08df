package dev.corral.sidecar.filter;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a route's {@code typed_per_filter_config} says about one HTTP filter: turn it off for this
 * route ({@code envoy.config.route.v3.FilterConfig{disabled: true}}), or use this config instead of
 * the listener's.
 */
public record FilterOverride<T>(boolean disabled, @Nullable T config) {
  public FilterOverride {
    if (disabled == (config != null)) {
      throw new IllegalArgumentException("exactly one of disabled or config (disabled: " + disabled + ")");
    }
  }

  public static <T> FilterOverride<T> disable() {
    return new FilterOverride<>(true, null);
  }

  public static <T> FilterOverride<T> replace(T config) {
    return new FilterOverride<>(false, requireNonNull(config, "config"));
  }

  /** The config in force for a route: the listener's unless overridden; null when off. */
  public static <T> @Nullable T resolve(@Nullable T listener, @Nullable FilterOverride<T> route) {
    if (route == null) {
      return listener;
    }
    return route.disabled ? null : route.config;
  }
}
