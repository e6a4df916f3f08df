package dev.corral.sidecar.stats.report;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Where and how often the sidecar reports stats, read from the bootstrap's node metadata:
 * {@code corral.stats_address} ({@code host:port} of the control plane's StatsService, usually
 * its ADS port 15010) and optionally {@code corral.stats_interval} (e.g. {@code "5s"}).
 */
public record StatsReporterConfig(String address, Duration interval) {
  public static final String ADDRESS_KEY = "corral.stats_address";
  public static final String INTERVAL_KEY = "corral.stats_interval";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  public StatsReporterConfig {
    requireNonNull(address, "address");
    requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
  }

  /**
   * The reporter's config, or empty when the node names no stats address. Throws a
   * {@link ConfigException} naming the metadata key when a value does not parse.
   */
  public static Optional<StatsReporterConfig> fromNode(Node node) {
    Struct metadata = node.getMetadata();
    Value address = metadata.getFieldsMap().get(ADDRESS_KEY);
    Value interval = metadata.getFieldsMap().get(INTERVAL_KEY);
    if (address == null) {
      if (interval != null) {
        throw new ConfigException(path(INTERVAL_KEY), "set without " + ADDRESS_KEY);
      }
      return Optional.empty();
    }
    String target = address.getStringValue();
    if (address.getKindCase() != Value.KindCase.STRING_VALUE || !isHostPort(target)) {
      throw new ConfigException(path(ADDRESS_KEY), "expected a string host:port, got " + describe(address));
    }
    Duration every = DEFAULT_INTERVAL;
    if (interval != null) {
      every = parseDuration(interval);
    }
    return Optional.of(new StatsReporterConfig(target, every));
  }

  private static Duration parseDuration(Value value) {
    String text = value.getStringValue().trim();
    if (value.getKindCase() == Value.KindCase.STRING_VALUE && text.matches("[0-9]+(\\.[0-9]+)?(ms|s|m)")) {
      try {
        Duration parsed = text.endsWith("ms")
            ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
            : Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
        if (parsed.toMillis() >= 100) {
          return parsed;
        }
      } catch (DateTimeParseException | NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new ConfigException(path(INTERVAL_KEY),
        "expected a duration of at least 100ms such as \"5s\" or \"500ms\", got " + describe(value));
  }

  private static boolean isHostPort(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(target.substring(colon + 1));
      return port > 0 && port < 65536;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String path(String key) {
    return "node.metadata[\"" + key + "\"]";
  }

  private static String describe(Value value) {
    return value.getKindCase() == Value.KindCase.STRING_VALUE
        ? "\"" + value.getStringValue() + "\"" : value.getKindCase().name().toLowerCase(java.util.Locale.ROOT);
  }
}
