package dev.corral.sidecar.stats.report;

import static java.util.Objects.requireNonNull;

/** A service and the direction it was seen in: the unit that stats are counted by. */
public record ServiceKey(String service, Direction direction) {
  public ServiceKey {
    requireNonNull(service, "service");
    requireNonNull(direction, "direction");
  }

  public static ServiceKey outbound(String service) {
    return new ServiceKey(service, Direction.OUTBOUND);
  }

  public static ServiceKey inbound(String service) {
    return new ServiceKey(service, Direction.INBOUND);
  }
}
