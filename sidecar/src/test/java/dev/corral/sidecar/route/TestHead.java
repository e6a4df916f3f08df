package dev.corral.sidecar.route;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A RequestHead built by hand for tests (routing, hashing, cache keys). */
public final class TestHead implements RequestHead {
  private final String method;
  private final String authority;
  private final String path;
  private final List<String[]> headers = new ArrayList<>();
  private InetSocketAddress remote = new InetSocketAddress("10.1.2.3", 40000);

  private TestHead(String method, String authority, String path) {
    this.method = method;
    this.authority = authority;
    this.path = path;
  }

  public static TestHead get(String authority, String path) {
    return new TestHead("GET", authority, path);
  }

  public static TestHead of(String method, String authority, String path) {
    return new TestHead(method, authority, path);
  }

  public TestHead header(String name, String value) {
    headers.add(new String[] {name.toLowerCase(Locale.ROOT), value});
    return this;
  }

  public TestHead from(String ip, int port) {
    remote = new InetSocketAddress(ip, port);
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
    String lower = name.toLowerCase(Locale.ROOT);
    return headers.stream().filter(h -> h[0].equals(lower)).map(h -> h[1]).toList();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }
}
