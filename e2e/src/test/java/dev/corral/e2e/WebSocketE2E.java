package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.EdgeAdmin;
import dev.corral.e2e.support.EdgeWebSocketEchoServer;
import dev.corral.e2e.support.SidecarProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the sidecar: the JDK's client, the sidecar passing the upgrade through and
 * then tunnelling raw bytes, and a Netty echo server behind it.
 */
class WebSocketE2E {
  private static final long NO_HANG_SECONDS = 10;

  static EdgeWebSocketEchoServer echo;
  static SidecarProcess sidecar;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    echo = new EdgeWebSocketEchoServer();
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("ws", echo.port());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void echoesTextAndBinaryFramesAndClosesFromTheClient() throws Exception {
    Recorder recorder = new Recorder();
    WebSocket ws = connect(recorder);

    ws.sendText("hello through the sidecar", true).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(recorder.next()).isEqualTo("hello through the sidecar");

    byte[] small = new byte[256];
    for (int i = 0; i < small.length; i++) {
      small[i] = (byte) i;
    }
    ws.sendBinary(ByteBuffer.wrap(small), true).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(recorder.next()).isEqualTo(small);

    // Larger than any socket buffer: the tunnel has to relay it in many reads, in order.
    byte[] large = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(large);
    ws.sendBinary(ByteBuffer.wrap(large), true).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(recorder.next()).isEqualTo(large);

    ws.sendText("still open after 4 MiB", true).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(recorder.next()).isEqualTo("still open after 4 MiB");

    ws.sendClose(WebSocket.NORMAL_CLOSURE, "client done").get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(recorder.closed.get(NO_HANG_SECONDS, TimeUnit.SECONDS)).isEqualTo("1000 client done");
    assertConnectionsGoneOnBothSides();
  }

  @Test
  void backendClosesTheSession() throws Exception {
    Recorder recorder = new Recorder();
    WebSocket ws = connect(recorder);

    ws.sendText(EdgeWebSocketEchoServer.CLOSE_ME, true).get(NO_HANG_SECONDS, TimeUnit.SECONDS);

    assertThat(recorder.closed.get(NO_HANG_SECONDS, TimeUnit.SECONDS)).isEqualTo("1000 bye");
    assertConnectionsGoneOnBothSides();
    assertThat(ws.isInputClosed()).isTrue();
  }

  private static WebSocket connect(Recorder recorder) throws Exception {
    int handshakes = echo.handshakes();
    URI uri = URI.create("ws://127.0.0.1:" + sidecar.listenerPort() + "/ws");
    WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, recorder).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
    assertThat(echo.handshakes()).as("handshakes done by the backend").isEqualTo(handshakes + 1);
    assertThat(echo.openConnections()).as("backend connections").isEqualTo(1);
    assertThat(EdgeAdmin.metric(sidecar, "corral_downstream_cx_active")).as("downstream connections").isEqualTo(1);
    return ws;
  }

  /** Once a session ends, the sidecar holds no connection on either side. */
  private static void assertConnectionsGoneOnBothSides() {
    await().atMost(Duration.ofSeconds(NO_HANG_SECONDS)).untilAsserted(() -> {
      assertThat(echo.openConnections()).as("backend connections").isZero();
      assertThat(EdgeAdmin.metric(sidecar, "corral_downstream_cx_active")).as("downstream connections").isZero();
    });
  }

  /** Collects whole messages (text as String, binary as byte[]) and the close. */
  private static final class Recorder implements WebSocket.Listener {
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    Object next() throws InterruptedException {
      Object message = messages.poll(NO_HANG_SECONDS, TimeUnit.SECONDS);
      assertThat(message).as("an echo within the no-hang bound").isNotNull();
      return message;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
