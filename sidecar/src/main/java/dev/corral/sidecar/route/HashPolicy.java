package dev.corral.sidecar.route;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** One compiled {@code hash_policy} entry. */
sealed interface HashPolicy {
  boolean terminal();

  /** This policy's hash of the request, or null when it has nothing to hash. */
  @Nullable
  Hashed evaluate(RequestHead head, RandomGenerator random);

  record Hashed(long hash, @Nullable String setCookie) {}

  static HashPolicy compile(RouteAction.HashPolicy p) {
    return switch (p.getPolicySpecifierCase()) {
      case HEADER -> new Header(p.getHeader().getHeaderName(), p.getTerminal());
      case COOKIE -> {
        RouteAction.HashPolicy.Cookie c = p.getCookie();
        Duration ttl = c.hasTtl()
            ? Duration.ofSeconds(c.getTtl().getSeconds(), c.getTtl().getNanos()) : null;
        yield new Cookie(c.getName(), ttl, c.getPath(), p.getTerminal());
      }
      case CONNECTION_PROPERTIES -> new SourceIp(p.getConnectionProperties().getSourceIp(), p.getTerminal());
      default -> throw new dev.corral.sidecar.bootstrap.ConfigException(
          "", "one of header, cookie, connection_properties is required");
    };
  }

  /** Hashes a header; {@code :path}, {@code :authority}, {@code :method} come from the head. */
  record Header(String name, boolean terminal) implements HashPolicy {
    @Override
    public @Nullable Hashed evaluate(RequestHead head, RandomGenerator random) {
      if (name.startsWith(":")) {
        String v = HeaderMatch.value(head, name);
        return v == null ? null : new Hashed(HashResult.hashOf(v), null);
      }
      List<String> values = head.headers(name);
      if (values.isEmpty()) {
        return null;
      }
      if (values.size() == 1) {
        return new Hashed(HashResult.hashOf(values.get(0)), null);
      }
      // Like Envoy, order-independent over repeated values.
      return new Hashed(HashResult.hashOf(String.join(",", values.stream().sorted().toList())), null);
    }
  }

  /**
   * Hashes a cookie. When the request has none and a ttl is set, generates a value and asks the
   * proxy to set it, so the client sticks to the host it lands on (a ttl of 0 gives a session
   * cookie).
   */
  record Cookie(String name, @Nullable Duration ttl, String path, boolean terminal)
      implements HashPolicy {
    @Override
    public @Nullable Hashed evaluate(RequestHead head, RandomGenerator random) {
      for (String header : head.headers("cookie")) {
        String value = find(header, name);
        if (value != null) {
          return new Hashed(HashResult.hashOf(value), null);
        }
      }
      if (ttl == null) {
        return null;
      }
      String value = java.util.HexFormat.of().toHexDigits(random.nextLong());
      StringBuilder setCookie = new StringBuilder(name).append('=').append(value);
      if (!ttl.isZero()) {
        setCookie.append("; Max-Age=").append(ttl.toSeconds());
      }
      if (!path.isEmpty()) {
        setCookie.append("; Path=").append(path);
      }
      setCookie.append("; HttpOnly");
      return new Hashed(HashResult.hashOf(value), setCookie.toString());
    }

    /** The value of cookie {@code name} in one Cookie header ({@code a=1; b="2"}), or null. */
    static @Nullable String find(String header, String name) {
      int i = 0;
      int n = header.length();
      while (i < n) {
        while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
          i++;
        }
        int end = header.indexOf(';', i);
        if (end < 0) {
          end = n;
        }
        int eq = header.indexOf('=', i);
        if (eq > i && eq < end && eq - i == name.length() && header.startsWith(name, i)) {
          String v = header.substring(eq + 1, end).strip();
          if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
          }
          return v;
        }
        i = end + 1;
      }
      return null;
    }
  }

  /** Hashes the downstream peer's IP address (not its port). */
  record SourceIp(boolean enabled, boolean terminal) implements HashPolicy {
    @Override
    public @Nullable Hashed evaluate(RequestHead head, RandomGenerator random) {
      InetAddress address = enabled ? head.remoteAddress().getAddress() : null;
      return address == null ? null : new Hashed(HashResult.hashOf(address.getHostAddress()), null);
    }
  }
}
