package dev.corral.sidecar.collapse;

import dev.corral.sidecar.route.RequestHead;
import java.util.List;
import java.util.Locale;

/**
 * What makes two requests the same for collapsing: method, authority, path and query, the key
 * headers, and the credentials ({@code Authorization}, {@code Cookie}) unless they are shared.
 * Headers named by the response's {@code Vary} are checked once the response head is known.
 */
public record CollapseKey(String method, String authority, String path, List<String> headerValues) {

  /**
   * Fields that change the response of the same URI: a 206 for one range, or a 304 for one
   * validator, must not reach a request that asked for something else.
   */
  private static final List<String> REQUEST_SPECIFIC = List.of("range", "if-range", "if-none-match",
      "if-modified-since", "if-match", "if-unmodified-since");

  public static CollapseKey of(RequestHead head, CollapseSettings settings) {
    int extra = (settings.shareAcrossCredentials() ? 0 : 2) + REQUEST_SPECIFIC.size();
    String[] values = new String[settings.keyHeaders().size() + extra];
    int i = 0;
    for (String name : settings.keyHeaders()) {
      values[i++] = String.join(",", head.headers(name));
    }
    for (String name : REQUEST_SPECIFIC) {
      values[i++] = String.join(",", head.headers(name));
    }
    if (!settings.shareAcrossCredentials()) {
      values[i++] = String.join(",", head.headers("authorization"));
      values[i] = String.join(",", head.headers("cookie"));
    }
    return new CollapseKey(head.method(), head.authority().toLowerCase(Locale.ROOT), head.path(), List.of(values));
  }
}
