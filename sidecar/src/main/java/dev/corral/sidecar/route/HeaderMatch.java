package dev.corral.sidecar.route;

import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A compiled {@code HeaderMatcher}, with Envoy's semantics: several values of one header are
 * joined with {@code ,}; a missing header matches only {@code present_match: false} (or, inverted,
 * {@code present_match: true}); no specifier means "present".
 */
final class HeaderMatch {
  private final String name;
  private final @Nullable StringMatch value; // null: a presence match
  private final boolean present;
  private final boolean invert;

  private HeaderMatch(String name, @Nullable StringMatch value, boolean present, boolean invert) {
    this.name = name;
    this.value = value;
    this.present = present;
    this.invert = invert;
  }

  @SuppressWarnings("deprecation") // exact_match is deprecated in Envoy but still widely written
  static HeaderMatch compile(HeaderMatcher m) {
    if (m.getName().isEmpty()) {
      throw new ConfigException("name", "required");
    }
    StringMatch value = null;
    boolean present = true;
    switch (m.getHeaderMatchSpecifierCase()) {
      case EXACT_MATCH -> {
        // Envoy: an empty exact_match matches any value of a present header.
        String exact = m.getExactMatch();
        value = exact.isEmpty() ? v -> true : exact::equals;
      }
      case PRESENT_MATCH -> present = m.getPresentMatch();
      case STRING_MATCH -> {
        try {
          value = StringMatch.compile(m.getStringMatch());
        } catch (ConfigException e) {
          throw e.under("string_match");
        }
      }
      case HEADERMATCHSPECIFIER_NOT_SET -> {}
      default -> throw new ConfigException("", m.getHeaderMatchSpecifierCase() + " not supported");
    }
    return new HeaderMatch(m.getName(), value, present, m.getInvertMatch());
  }

  boolean matches(RequestHead head) {
    String joined = value(head, name);
    if (joined == null) {
      return value == null && (invert ? present : !present);
    }
    boolean match = value == null ? present : value.matches(joined);
    return match != invert;
  }

  /** A header's value, joined with {@code ,} when repeated; pseudo headers come from the head. */
  static @Nullable String value(RequestHead head, String name) {
    if (!name.isEmpty() && name.charAt(0) == ':') {
      return switch (name) {
        case ":path" -> head.path();
        case ":authority" -> head.authority();
        case ":method" -> head.method();
        default -> head.header(name);
      };
    }
    List<String> values = head.headers(name);
    return switch (values.size()) {
      case 0 -> null;
      case 1 -> values.get(0);
      default -> String.join(",", values);
    };
  }
}
