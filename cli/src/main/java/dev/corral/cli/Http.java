package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * GETs against one HTTP base address (the control plane's API, or a sidecar's admin), turning
 * every way it can fail into a {@link CliException} with a message that says what to try.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(3)).build();

  private final URI base;
  private final String what;
  private final String hint;

  /**
   * @param what for messages: {@code the control plane}, {@code the sidecar admin}
   * @param hint what to try when it cannot be reached
   */
  Http(String address, String what, String hint) {
    this.base = parseBase(address);
    this.what = what;
    this.hint = hint;
  }

  /** {@code http://host:port} from {@code http://host:port[/]} or {@code host:port}. */
  static URI parseBase(String address) {
    String a = address.strip();
    if (!a.contains("://")) {
      a = "http://" + a;
    }
    while (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(a);
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "--address: " + address + " (expected: http://host:port)");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new CliException(2, "--address: " + address + " (expected: http://host:port)");
    }
    return uri;
  }

  /** {@code node} indented, for {@code -o json}: the API's JSON re-emitted in its own field order. */
  static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  URI base() {
    return base;
  }

  JsonNode json(String path) {
    String body = text(path);
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new CliException(4, what + " at " + base + " answered GET " + path + " with something that is not JSON: "
          + e.getMessage());
    }
  }

  String text(String path) {
    HttpResponse<String> response = send(path);
    if (response.statusCode() != 200) {
      throw new CliException(4, what + " at " + base + " answered " + response.statusCode() + " to GET " + path
          + ": " + response.body().strip());
    }
    return response.body();
  }

  HttpResponse<String> send(String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connection timed out");
    } catch (HttpTimeoutException e) {
      throw new CliException(3, what + " at " + base + " did not answer GET " + path + " within 10s");
    } catch (ConnectException e) {
      throw unreachable(e.getMessage() == null || e.getMessage().isEmpty() ? "connection refused" : reason(e));
    } catch (IOException e) {
      throw unreachable(reason(e));
    } catch (UnresolvedAddressException e) {
      throw unreachable("unknown host " + base.getHost());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(130, "interrupted");
    }
  }

  private CliException unreachable(String reason) {
    return new CliException(3, "cannot reach " + what + " at " + base + ": " + reason + " (" + hint + ")");
  }

  /** The innermost message: the JDK wraps "Connection refused" in empty ConnectExceptions. */
  private static String reason(Throwable e) {
    Throwable t = e;
    String message = null;
    while (t != null) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      t = t.getCause();
    }
    return message == null ? e.getClass().getSimpleName() : message.toLowerCase(java.util.Locale.ROOT);
  }
}
