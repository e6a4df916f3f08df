package dev.corral.sidecar.route;

import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import dev.corral.sidecar.bootstrap.ConfigException;

/** A compiled {@code envoy.type.matcher.v3.StringMatcher}. */
interface StringMatch {
  boolean matches(String value);

  static StringMatch compile(StringMatcher m) {
    boolean ignoreCase = m.getIgnoreCase();
    return switch (m.getMatchPatternCase()) {
      case EXACT -> {
        String exact = m.getExact();
        yield ignoreCase ? exact::equalsIgnoreCase : exact::equals;
      }
      case PREFIX -> {
        String prefix = m.getPrefix();
        yield v -> v.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
      }
      case SUFFIX -> {
        String suffix = m.getSuffix();
        yield v ->
            v.length() >= suffix.length()
                && v.regionMatches(ignoreCase, v.length() - suffix.length(), suffix, 0, suffix.length());
      }
      case CONTAINS -> {
        String needle = ignoreCase ? m.getContains().toLowerCase(Locale.ROOT) : m.getContains();
        yield ignoreCase ? v -> v.toLowerCase(Locale.ROOT).contains(needle) : v -> v.contains(needle);
      }
      // Envoy: ignore_case has no effect on safe_regex.
      case SAFE_REGEX -> {
        Pattern p = regex(m.getSafeRegex().getRegex(), "safe_regex.regex");
        yield v -> p.matcher(v).matches();
      }
      default -> throw new ConfigException("", "one of exact, prefix, suffix, contains, safe_regex is required");
    };
  }

  /** Compiles once, refusing bad syntax with {@code path}. */
  static Pattern regex(String regex, String path) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(path, "invalid regex: " + e.getDescription());
    }
  }
}
