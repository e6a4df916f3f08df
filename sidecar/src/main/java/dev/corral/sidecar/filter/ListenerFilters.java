package dev.corral.sidecar.filter;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.corral.api.proto.CacheStore;
import dev.corral.api.proto.CollapseConfig;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cache.CacheConfig;
import dev.corral.sidecar.collapse.CollapseSettings;
import dev.corral.sidecar.collapse.RangeSettings;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP filters of one listener, compiled from the HttpConnectionManager's {@code http_filters}:
 * optionally {@value #CACHE} then {@value #COLLAPSE}, and {@value #ROUTER} last. Also compiles a
 * route's {@code typed_per_filter_config}. Errors name the field path.
 */
public record ListenerFilters(@Nullable CacheConfig cache, @Nullable CollapseSettings collapse) {
  public static final String CACHE = "envoy.filters.http.cache";
  public static final String COLLAPSE = "corral.filters.http.collapse";
  public static final String ROUTER = "envoy.filters.http.router";
  public static final ListenerFilters NONE = new ListenerFilters(null, null);

  /** Filter names in the only order they may appear. */
  private static final List<String> ORDER = List.of(CACHE, COLLAPSE, ROUTER);

  /** Compiles {@code hcm.http_filters}; {@code path} is the HCM's path. */
  public static ListenerFilters compile(HttpConnectionManager hcm, String path) {
    int n = hcm.getHttpFiltersCount();
    if (n == 0) {
      throw new ConfigException(path + ".http_filters", "required (the last one must be " + ROUTER + ")");
    }
    CacheConfig cache = null;
    CollapseSettings collapse = null;
    int previous = -1;
    for (int i = 0; i < n; i++) {
      HttpFilter hf = hcm.getHttpFilters(i);
      String hPath = path + ".http_filters[" + i + "]";
      int position = ORDER.indexOf(hf.getName());
      if (position < 0) {
        throw new ConfigException(hPath + ".name", "\"" + hf.getName() + "\" not supported (expected: "
            + String.join(", ", ORDER) + ")");
      }
      if (position <= previous) {
        throw new ConfigException(hPath + ".name", "\"" + hf.getName() + "\" out of order or repeated (expected: "
            + String.join(" → ", ORDER) + ")");
      }
      previous = position;
      if (position == 2 && i != n - 1) {
        throw new ConfigException(hPath + ".name", ROUTER + " must be the last filter");
      }
      String cPath = hPath + ".typed_config";
      switch (position) {
        case 0 -> cache = cacheConfig(hf.hasTypedConfig() ? hf.getTypedConfig() : null, cPath);
        case 1 -> collapse = collapseSettings(hf.hasTypedConfig() ? hf.getTypedConfig() : null, cPath);
        default -> {
          if (hf.hasTypedConfig()) {
            unpack(hf.getTypedConfig(), io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.class, cPath);
          }
        }
      }
    }
    if (previous != 2) {
      throw new ConfigException(path + ".http_filters", "the last filter must be " + ROUTER);
    }
    return new ListenerFilters(cache, collapse);
  }

  /**
   * A route's {@code typed_per_filter_config}: for {@value #CACHE} an Envoy {@code CacheConfig},
   * for {@value #COLLAPSE} a {@code CollapseConfig}, for either {@code FilterConfig{disabled: true}}.
   */
  public static RouteFilters routeFilters(Map<String, Any> perFilter, String path) {
    FilterOverride<CacheConfig> cache = null;
    FilterOverride<CollapseSettings> collapse = null;
    for (Map.Entry<String, Any> e : perFilter.entrySet()) {
      String ePath = path + "[\"" + e.getKey() + "\"]";
      Any any = e.getValue();
      boolean disabled = any.is(FilterConfig.class);
      if (disabled) {
        FilterConfig fc = unpack(any, FilterConfig.class, ePath);
        if (!fc.getDisabled() || fc.hasConfig()) {
          throw new ConfigException(ePath, "a FilterConfig must say {disabled: true} and nothing else"
              + " (to override the config, give the filter's own config type)");
        }
      }
      switch (e.getKey()) {
        case CACHE -> cache = disabled ? FilterOverride.disable() : FilterOverride.replace(cacheConfig(any, ePath));
        case COLLAPSE -> collapse = disabled ? FilterOverride.disable()
            : FilterOverride.replace(collapseSettings(any, ePath));
        default -> throw new ConfigException(ePath, "no per-route config for \"" + e.getKey() + "\" (expected: "
            + CACHE + " or " + COLLAPSE + ")");
      }
    }
    return cache == null && collapse == null ? RouteFilters.NONE : new RouteFilters(cache, collapse);
  }

  /** Envoy's CacheConfig whose {@code typed_config} is Corral's {@code CacheStore}; absent: defaults. */
  static CacheConfig cacheConfig(@Nullable Any typedConfig, String path) {
    if (typedConfig == null) {
      throw new ConfigException(path, "required (an envoy.extensions.filters.http.cache.v3.CacheConfig)");
    }
    var envoy = unpack(typedConfig, io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig.class, path);
    if (!envoy.hasTypedConfig()) {
      throw new ConfigException(path + ".typed_config", "required (a corral.v1alpha1.CacheStore)");
    }
    CacheStore store = unpack(envoy.getTypedConfig(), CacheStore.class, path + ".typed_config");
    return cacheConfig(store, path + ".typed_config");
  }

  static CacheConfig cacheConfig(CacheStore s, String path) {
    CacheConfig d = CacheConfig.defaults();
    try {
      return new CacheConfig(
          s.getMaxSize() == 0 ? d.maxSize() : s.getMaxSize(),
          s.getMaxObjectSize() == 0 ? Math.min(d.maxObjectSize(), s.getMaxSize() == 0 ? d.maxSize() : s.getMaxSize())
              : s.getMaxObjectSize(),
          s.hasDefaultTtl() ? duration(s.getDefaultTtl()) : d.defaultTtl(),
          s.hasStaleWhileRevalidate() ? duration(s.getStaleWhileRevalidate()) : d.staleWhileRevalidate(),
          s.hasStaleIfError() ? duration(s.getStaleIfError()) : d.staleIfError(),
          s.getKeyHeadersCount() == 0 ? d.keyHeaders() : s.getKeyHeadersList(),
          s.getShareAcrossCredentials(),
          !s.hasInvalidateOnUnsafeMethods() || s.getInvalidateOnUnsafeMethods().getValue());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + "." + snake(e.getMessage()), rest(e.getMessage()));
    }
  }

  /** {@code type.googleapis.com/corral.v1alpha1.CollapseConfig}; absent: API.md's defaults. */
  static CollapseSettings collapseSettings(@Nullable Any typedConfig, String path) {
    CollapseConfig c = typedConfig == null ? CollapseConfig.getDefaultInstance()
        : unpack(typedConfig, CollapseConfig.class, path);
    CollapseSettings d = CollapseSettings.DEFAULTS;
    try {
      RangeSettings ranges = RangeSettings.OFF;
      if (c.hasRanges()) {
        CollapseConfig.Ranges r = c.getRanges();
        ranges = new RangeSettings(r.getEnabled(), r.getBlockSize() == 0 ? 64 * 1024 : r.getBlockSize(),
            r.getMaxBlocksPerFetch() == 0 ? 16 : r.getMaxBlocksPerFetch());
      }
      return new CollapseSettings(
          c.getMethodsCount() == 0 ? d.methods() : Set.copyOf(c.getMethodsList()),
          c.getKeyHeadersCount() == 0 ? d.keyHeaders() : c.getKeyHeadersList(),
          c.getShareAcrossCredentials(),
          c.hasMaxWait() ? duration(c.getMaxWait()) : d.maxWait(),
          c.getMaxBufferedBytes() == 0 ? d.maxBufferedBytes() : c.getMaxBufferedBytes(),
          ranges);
    } catch (IllegalArgumentException e) {
      String field = snake(e.getMessage());
      String prefix = field.equals("block_size") || field.equals("max_blocks_per_fetch") ? "ranges." : "";
      throw new ConfigException(path + "." + prefix + field, rest(e.getMessage()));
    }
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      throw new IllegalArgumentException("duration: " + Durations.toString(d) + " (expected: >= 0)");
    }
    return Duration.ofMillis(Durations.toMillis(d));
  }

  /** The field of a "field: value (expected: …)" message, in proto's snake_case. */
  private static String snake(@Nullable String message) {
    String field = message == null || message.indexOf(':') < 0 ? "" : message.substring(0, message.indexOf(':'));
    return field.replaceAll("\\[\\d+]", "").replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static String rest(@Nullable String message) {
    return message == null || message.indexOf(':') < 0 ? String.valueOf(message)
        : message.substring(message.indexOf(':') + 1).trim();
  }

  private static <T extends Message> T unpack(Any any, Class<T> type, String path) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      String name = com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
      throw new ConfigException(path, "expected type " + name + ", got \"" + any.getTypeUrl() + "\"");
    }
  }
}
