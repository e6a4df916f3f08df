package dev.corral.sidecar.route;

import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a request that routing and hashing look at, independent of HTTP version and of
 * Netty: method, authority (Host or :authority, port included when the client sent one), path
 * with query, headers by lower-case name, and the downstream peer.
 */
public interface RequestHead {
  String method();

  /** Host / :authority as sent, e.g. {@code images:8080} or {@code images}. */
  String authority();

  /** Path and query, e.g. {@code /a/b?x=1}. */
  String path();

  /** The first value of a header, or null. Names are case-insensitive. */
  @Nullable
  String header(String name);

  /** Every value of a header, in order; empty when absent. */
  List<String> headers(String name);

  /** The downstream connection's peer address. */
  InetSocketAddress remoteAddress();
}
