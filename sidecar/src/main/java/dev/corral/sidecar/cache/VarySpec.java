package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.RequestHead;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The request headers a response varies on (its {@code Vary}), sorted and lower-cased: the
 * middle level of the two-level key, stored once per primary key (as Envoy and Varnish do).
 */
public record VarySpec(List<String> names, boolean any) {
  public static final VarySpec NONE = new VarySpec(List.of(), false);
  static final VarySpec ANY = new VarySpec(List.of("*"), true);

  public VarySpec {
    names = List.copyOf(names);
  }

  /** Reads every {@code Vary} line; {@code Vary: *} gives {@link #any()}. */
  public static VarySpec of(HttpFields responseHeaders) {
    List<String> lines = responseHeaders.getAll("vary");
    if (lines.isEmpty()) {
      return NONE;
    }
    TreeSet<String> names = new TreeSet<>();
    for (String line : lines) {
      for (String part : line.split(",")) {
        String n = HttpFields.lower(part.trim());
        if (n.equals("*")) {
          return ANY;
        }
        if (!n.isEmpty()) {
          names.add(n);
        }
      }
    }
    return names.isEmpty() ? NONE : new VarySpec(new ArrayList<>(names), false);
  }

  /** The secondary key: the request's values for these names (RFC 9111 §4.1). */
  public VariantKey variantOf(CacheKey key, RequestHead request) {
    if (any) {
      throw new IllegalStateException("Vary: * matches no request");
    }
    List<String> values = new ArrayList<>(names.size());
    for (String n : names) {
      values.add(CacheKeys.fieldValue(request, n));
    }
    return new VariantKey(key, this, values);
  }

  /** Primary key, vary spec and the request's values for it: where one response is stored. */
  public record VariantKey(CacheKey key, VarySpec spec, List<String> values) {
    public VariantKey {
      values = List.copyOf(values);
    }
  }
}
