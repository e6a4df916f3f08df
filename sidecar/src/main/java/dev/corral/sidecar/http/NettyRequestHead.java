package dev.corral.sidecar.http;

import dev.corral.sidecar.route.RequestHead;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Netty request seen as a {@link RequestHead}. Absolute-form targets
 * ({@code GET http://images:8080/x}, what an {@code http_proxy} client sends) are routed by their
 * authority, so the sidecar also works as an explicit proxy.
 */
final class NettyRequestHead implements RequestHead {
  private final HttpRequest request;
  private final InetSocketAddress remote;
  private final String authority;
  private final String path;
  private final boolean absoluteForm;

  private NettyRequestHead(HttpRequest request, InetSocketAddress remote, String authority, String path,
      boolean absoluteForm) {
    this.request = request;
    this.remote = remote;
    this.authority = authority;
    this.path = path;
    this.absoluteForm = absoluteForm;
  }

  static NettyRequestHead of(HttpRequest request, InetSocketAddress remote) {
    String uri = request.uri();
    if (uri.regionMatches(true, 0, "http://", 0, 7)) {
      int slash = uri.indexOf('/', 7);
      int query = uri.indexOf('?', 7);
      int end = slash < 0 ? (query < 0 ? uri.length() : query) : (query < 0 ? slash : Math.min(slash, query));
      String path = end == uri.length() ? "/" : uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
      return new NettyRequestHead(request, remote, uri.substring(7, end), path, true);
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    return new NettyRequestHead(request, remote, host == null ? "" : host, uri, false);
  }

  /** Whether the client sent an absolute-form target, which must be rewritten to origin-form upstream. */
  boolean absoluteForm() {
    return absoluteForm;
  }

  @Override
  public String method() {
    return request.method().name();
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
    return request.headers().get(name);
  }

  @Override
  public List<String> headers(String name) {
    // Most fields asked for (key headers, Cache-Control) are absent: no list for them.
    return request.headers().contains(name) ? request.headers().getAll(name) : List.of();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }
}
