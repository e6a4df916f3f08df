package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered list of header fields with lower-case names: the header type at the
 * cache's seams, so that stored responses never share a mutable Netty object.
 */
public final class HttpFields {
  public static final HttpFields EMPTY = new HttpFields(new String[0]);

  /** name0, value0, name1, value1, … with names lower-cased. */
  private final String[] nv;

  private HttpFields(String[] nv) {
    this.nv = nv;
  }

  /** {@code of("content-type", "text/plain", "etag", "\"1\"")}. */
  public static HttpFields of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "namesAndValues: " + namesAndValues.length + " (expected: an even count)");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** Copies name/value entries, e.g. a Netty {@code HttpHeaders}, which is such an iterable. */
  public static HttpFields copyOf(Iterable<? extends Map.Entry<String, String>> entries) {
    Builder b = builder();
    for (Map.Entry<String, String> e : entries) {
      b.add(e.getKey(), e.getValue());
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.nv.addAll(Arrays.asList(nv));
    return b;
  }

  /** The first value of a field, or null. */
  public @Nullable String get(String name) {
    String n = lower(name);
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equals(n)) {
        return nv[i + 1];
      }
    }
    return null;
  }

  /** Every value of a field, in order. */
  public List<String> getAll(String name) {
    String n = lower(name);
    List<String> out = null;
    for (int i = 0; i < nv.length; i += 2) {
      if (nv[i].equals(n)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(nv[i + 1]);
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  /** Number of field lines. */
  public int size() {
    return nv.length / 2;
  }

  public String name(int index) {
    return nv[index * 2];
  }

  public String value(int index) {
    return nv[index * 2 + 1];
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < nv.length; i += 2) {
      action.accept(nv[i], nv[i + 1]);
    }
  }

  /** Approximate bytes on the wire (name, ": ", value, CRLF), used to weigh cache entries. */
  public long byteSize() {
    long n = 0;
    for (String s : nv) {
      n += s.length() + 2;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpFields other && Arrays.equals(nv, other.nv);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nv);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nv.length; i += 2) {
      sb.append(i == 0 ? "" : ", ").append(nv[i]).append('=').append(nv[i + 1]);
    }
    return sb.append('}').toString();
  }

  static String lower(String name) {
    // Header names are ASCII; Locale.ROOT keeps the Turkish-i problem away.
    return name.toLowerCase(Locale.ROOT);
  }

  /** Builds an {@link HttpFields}; not thread-safe. */
  public static final class Builder {
    private final List<String> nv = new ArrayList<>();

    private Builder() {}

    public Builder add(String name, String value) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      nv.add(lower(name));
      nv.add(value);
      return this;
    }

    /** Replaces every line of {@code name} with one line. */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    public Builder remove(String name) {
      String n = lower(name);
      for (int i = nv.size() - 2; i >= 0; i -= 2) {
        if (nv.get(i).equals(n)) {
          nv.remove(i + 1);
          nv.remove(i);
        }
      }
      return this;
    }

    public Builder addAll(HttpFields fields) {
      nv.addAll(Arrays.asList(fields.nv));
      return this;
    }

    public HttpFields build() {
      return nv.isEmpty() ? EMPTY : new HttpFields(nv.toArray(new String[0]));
    }
  }
}
