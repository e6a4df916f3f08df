package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which stored URIs a response to an unsafe method invalidates (RFC 9111 §4.4): the target URI,
 * and the URIs in Location and Content-Location when they have the same authority.
 */
public final class Invalidation {
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private Invalidation() {}

  /**
   * The URIs to evict; empty for a safe method or an error status. A method whose safety we do
   * not know counts as unsafe, as the RFC asks. Location and Content-Location may be relative;
   * unparsable ones are ignored.
   */
  public static List<UriKey> targets(String method, UriKey target, int status,
      HttpFields responseHeaders) {
    requireNonNull(method, "method");
    requireNonNull(target, "target");
    requireNonNull(responseHeaders, "responseHeaders");
    if (SAFE.contains(method.toUpperCase(Locale.ROOT)) || status < 200 || status >= 400) {
      return List.of();
    }
    Set<UriKey> out = new LinkedHashSet<>();
    out.add(target);
    for (String name : new String[] {"location", "content-location"}) {
      UriKey k = resolve(target, responseHeaders.get(name));
      if (k != null) {
        out.add(k);
      }
    }
    return List.copyOf(out);
  }

  static @Nullable UriKey resolve(UriKey target, @Nullable String reference) {
    if (reference == null || reference.isBlank()) {
      return null;
    }
    try {
      URI base = new URI("http://" + target.authority() + target.pathAndQuery());
      URI resolved = base.resolve(new URI(reference.trim()));
      String authority = resolved.getRawAuthority();
      if (authority == null || !authority.equalsIgnoreCase(target.authority())) {
        return null; // another origin: not ours to invalidate (§4.4)
      }
      String path = resolved.getRawPath() == null || resolved.getRawPath().isEmpty()
          ? "/" : resolved.getRawPath();
      String query = resolved.getRawQuery();
      return new UriKey(authority, query == null ? path : path + "?" + query);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null; // untrusted input: ignore what does not parse
    }
  }
}
