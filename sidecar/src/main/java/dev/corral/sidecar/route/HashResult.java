package dev.corral.sidecar.route;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * What a route's hash policy made of a request: whether any policy produced a hash, the combined
 * hash for a consistent-hash balancer, and a {@code Set-Cookie} value the proxy must add to the
 * response when a sticky-session cookie was generated.
 */
public record HashResult(boolean present, long hash, @Nullable String setCookie) {
  private static final HashResult NONE = new HashResult(false, 0, null);
  private static final HashFunction FUNCTION = Hashing.farmHashFingerprint64();

  /** No hash policy produced a value: the balancer picks as if there were no policy. */
  public static HashResult none() {
    return NONE;
  }

  /** The 64-bit hash that policies compute of one value (header, cookie, address). */
  public static long hashOf(CharSequence value) {
    return FUNCTION.hashString(value, StandardCharsets.UTF_8).asLong();
  }
}
