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
      values[i++] = joined(head.headers(name));
    }
    for (String name : REQUEST_SPECIFIC) {
      values[i++] = joined(head.headers(name));
    }
    if (!settings.shareAcrossCredentials()) {
      values[i++] = joined(head.headers("authorization"));
      values[i] = joined(head.headers("cookie"));
    }
    return new CollapseKey(head.method(), head.authority().toLowerCase(Locale.ROOT), head.path(), List.of(values));
  }

  /** The field's values as one; most fields are absent or single, which needs no new string (runs per request). */
  private static String joined(List<String> values) {
    return switch (values.size()) {
      case 0 -> "";
      case 1 -> values.get(0);
      default -> String.join(",", values);
    };
  }
}
