package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What every connected sidecar has been sent, has accepted and has rejected, per xDS type. The
 * ADS server writes it; the HTTP API and the operator (policy status) read {@link #status()}.
 */
public final class AckTracker {

  /**
   * One connected sidecar (one ADS stream). Times are ISO-8601 instants.
   *
   * @param adminAddress {@code host:port} of the sidecar's admin, when its node metadata names it
   *     ({@link #ADMIN_ADDRESS_KEY}, local mode); null otherwise (in a cluster it is loopback-only)
   */
  public record SidecarStatus(
      long streamId, String nodeId, String group, String connectedAt,
      @Nullable String adminAddress, Map<String, TypeStatus> types) {}

  /** Node metadata key naming the sidecar's admin address, e.g. {@code 127.0.0.1:15000}. */
  public static final String ADMIN_ADDRESS_KEY = "corral.admin_address";

  /** One xDS type of one stream; versions are empty until something was sent or acked. */
  public record TypeStatus(String sentVersion, String ackedVersion, @Nullable String ackedAt,
      @Nullable Nack lastNack) {

    /** True when the latest response of this type was rejected and nothing was accepted since. */
    public boolean rejected() {
      return lastNack != null && lastNack.version().equals(sentVersion)
          && !ackedVersion.equals(sentVersion);
    }
  }

  /**
   * A rejected response: its version, Envoy's error_detail message, the resources it carried
   * (narrowed to those the message names, when it names any) and the policies behind them.
   */
  public record Nack(String version, String message, List<String> resources,
      Set<String> policies, String at) {}

  private final Clock clock;
  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();

  public AckTracker() {
    this(Clock.systemUTC());
  }

  public AckTracker(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** Every connected sidecar, ordered by stream id. */
  public List<SidecarStatus> status() {
    return streams.values().stream()
        .sorted(Comparator.comparingLong(s -> s.id))
        .map(Stream::snapshot)
        .toList();
  }

  /**
   * Policies whose resources some sidecar currently rejects, with the rejection; when several
   * sidecars reject, the latest rejection wins.
   */
  public Map<String, Nack> rejectedPolicies() {
    Map<String, Nack> out = new TreeMap<>();
    for (SidecarStatus s : status()) {
      for (TypeStatus t : s.types().values()) {
        if (t.rejected()) {
          for (String policy : t.lastNack().policies()) {
            out.merge(policy, t.lastNack(), (a, b) -> a.at().compareTo(b.at()) >= 0 ? a : b);
          }
        }
      }
    }
    return out;
  }

  void opened(long streamId, String nodeId, String group) {
    opened(streamId, nodeId, group, null);
  }

  void opened(long streamId, String nodeId, String group, @Nullable String adminAddress) {
    streams.put(streamId, new Stream(streamId, nodeId, group, adminAddress, now()));
  }

  void closed(long streamId) {
    streams.remove(streamId);
  }

  void sent(long streamId, XdsType type, String version) {
    Stream s = streams.get(streamId);
    if (s != null) {
      s.update(type, t -> t.sentVersion = version);
    }
  }

  void acked(long streamId, XdsType type, String version) {
    Stream s = streams.get(streamId);
    if (s != null) {
      String at = now();
      s.update(type, t -> {
        t.ackedVersion = version;
        t.ackedAt = at;
      });
    }
  }

  void nacked(long streamId, XdsType type, String version, String message, List<String> resources,
      Set<String> policies) {
    Stream s = streams.get(streamId);
    if (s != null) {
      Nack nack = new Nack(version, message, List.copyOf(resources), Set.copyOf(policies), now());
      s.update(type, t -> t.lastNack = nack);
    }
  }

  private String now() {
    return Instant.now(clock).toString();
  }

  private static final class Stream {
    final long id;
    final String nodeId;
    final String group;
    final String connectedAt;
    final @Nullable String adminAddress;
    private final Map<XdsType, MutableType> types = new EnumMap<>(XdsType.class);

    Stream(long id, String nodeId, String group, @Nullable String adminAddress, String connectedAt) {
      this.id = id;
      this.nodeId = nodeId;
      this.group = group;
      this.adminAddress = adminAddress;
      this.connectedAt = connectedAt;
    }

    synchronized void update(XdsType type, java.util.function.Consumer<MutableType> change) {
      change.accept(types.computeIfAbsent(type, k -> new MutableType()));
    }

    synchronized SidecarStatus snapshot() {
      Map<String, TypeStatus> out = new LinkedHashMap<>();
      types.forEach((type, t) -> out.put(type.name(),
          new TypeStatus(t.sentVersion, t.ackedVersion, t.ackedAt, t.lastNack)));
      return new SidecarStatus(id, nodeId, group, connectedAt, adminAddress, java.util.Collections.unmodifiableMap(out));
    }
  }

  private static final class MutableType {
    String sentVersion = "";
    String ackedVersion = "";
    @Nullable String ackedAt;
    @Nullable Nack lastNack;
  }
}
