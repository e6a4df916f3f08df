package dev.corral.controlplane.xds;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.Optional;

/** The four xDS resource types Corral serves, with their v3 type URLs and short names. */
public enum XdsType {
  CDS(Resources.V3.CLUSTER_TYPE_URL),
  EDS(Resources.V3.ENDPOINT_TYPE_URL),
  LDS(Resources.V3.LISTENER_TYPE_URL),
  RDS(Resources.V3.ROUTE_TYPE_URL);

  private final String typeUrl;

  XdsType(String typeUrl) {
    this.typeUrl = typeUrl;
  }

  public String typeUrl() {
    return typeUrl;
  }

  public static Optional<XdsType> ofTypeUrl(String typeUrl) {
    for (XdsType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The value of the {@code type} label on xDS metrics: lds, rds, cds, eds (as on the sidecar). */
  String metricLabel() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The short name for a type URL, or the URL itself for a type Corral does not serve. */
  static String label(String typeUrl) {
    return ofTypeUrl(typeUrl).map(Enum::name).orElse(typeUrl);
  }
}
