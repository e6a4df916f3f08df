package dev.corral.sidecar.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.sidecar.Sidecar;
import dev.corral.sidecar.bootstrap.BootstrapLoader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A listener with the HTTP inspector and two chains, on loopback (no iptables here): HTTP goes to
 * the connection manager, anything else is relayed as raw TCP by the default chain's tcp_proxy.
 */
class FilterChainListenerTest {
  private HttpServer web;
  private ServerSocket echo;
  private Thread echoThread;
  private Sidecar sidecar;

  @BeforeEach
  void start() throws Exception {
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext("/", exchange -> {
      byte[] body = ("web saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    web.start();
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread = new Thread(this::echoLoop, "echo");
    echoThread.setDaemon(true);
    echoThread.start();
    sidecar = new Sidecar(BootstrapLoader.parse(bootstrap(web.getAddress().getPort(), echo.getLocalPort()),
        "chains.yaml"), 1);
    sidecar.start();
  }

  private void echoLoop() {
    while (!echo.isClosed()) {
      try (Socket s = echo.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (Exception e) {
        // closed
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
    web.stop(0);
    echo.close();
  }

  private int port() {
    return sidecar.listenerAddresses().get(0).getPort();
  }

  @Test
  void relaysBytesThatAreNotHttpToTheDefaultChainsCluster() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("hello, not http\n".getBytes(StandardCharsets.US_ASCII));
      byte[] first = s.getInputStream().readNBytes(16);
      assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("hello, not http\n");
      s.getOutputStream().write("and more".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("and more");
    }
  }

  @Test
  void routesHttpThroughTheConnectionManager() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/a/b")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("web saw /a/b");
  }

  @Test
  void aSilentClientIsPassedThroughAfterTheInspectTimeout() throws Exception {
    // A server-first protocol: the client says nothing until greeted; here the echo answers the
    // first bytes sent after the timeout switched the connection to the TCP chain.
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
      s.setSoTimeout(5000);
      Thread.sleep(400); // the bootstrap's listener_filters_timeout is 200ms
      s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] back = s.getInputStream().readNBytes(18);
      assertThat(new String(back, StandardCharsets.US_ASCII)).as("relayed raw, not answered by HTTP")
          .isEqualTo("GET / HTTP/1.1\r\n\r\n");
    }
  }

  private static String bootstrap(int webPort, int echoPort) {
    return """
        static_resources:
          listeners:
          - name: sniffing
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            listener_filters:
            - name: envoy.filters.listener.http_inspector
            listener_filters_timeout: 0.2s
            continue_on_listener_filters_timeout: true
            filter_chains:
            - filter_chain_match: { application_protocols: ["http/1.1", "h2c"] }
              filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: sniffing
                  route_config:
                    name: r
                    virtual_hosts:
                    - { name: any, domains: ["*"], routes: [{ match: { prefix: / }, route: { cluster: web } }] }
                  http_filters: [{ name: envoy.filters.http.router }]
            default_filter_chain:
              filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: raw
                  cluster: echo
          clusters:
          - name: web
            load_assignment:
              cluster_name: web
              endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } } }] }]
          - name: echo
            load_assignment:
              cluster_name: echo
              endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } } }] }]
        """.formatted(webPort, echoPort);
  }
}
