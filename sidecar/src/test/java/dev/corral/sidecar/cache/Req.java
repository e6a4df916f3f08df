package dev.corral.sidecar.cache;

import dev.corral.sidecar.route.RequestHead;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A RequestHead built by hand for cache tests. */
final class Req implements RequestHead {
  private final String method;
  private final String authority;
  private final String path;
  private final List<String[]> headers = new ArrayList<>();

  private Req(String method, String authority, String path) {
    this.method = method;
    this.authority = authority;
    this.path = path;
  }

  static Req get(String path) {
    return new Req("GET", "images", path);
  }

  static Req of(String method, String authority, String path) {
    return new Req(method, authority, path);
  }

  Req h(String name, String value) {
    headers.add(new String[] {name.toLowerCase(Locale.ROOT), value});
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public @Nullable String header(String name) {
    List<String> all = headers(name);
    return all.isEmpty() ? null : all.get(0);
  }

  @Override
  public List<String> headers(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String[] h : headers) {
      if (h[0].equals(n)) {
        out.add(h[1]);
      }
    }
    return out;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return new InetSocketAddress("127.0.0.1", 40000);
  }
}
