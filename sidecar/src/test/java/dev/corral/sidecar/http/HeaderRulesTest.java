package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {
  private static final Pattern UUID_V4 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @Test
  void generatedRequestIdIsAVersion4UuidAndAnExistingOneIsKept() {
    HttpHeaders fresh = new DefaultHttpHeaders();
    HeaderRules.toUpstream(fresh, "10.0.0.1", false, true);
    assertThat(fresh.get(HeaderRules.X_REQUEST_ID)).matches(UUID_V4);

    HttpHeaders given = new DefaultHttpHeaders().set(HeaderRules.X_REQUEST_ID, "abc");
    HeaderRules.toUpstream(given, "10.0.0.1", false, true);
    assertThat(given.getAll(HeaderRules.X_REQUEST_ID)).containsExactly("abc");
  }

  @Test
  void connectionRemovesEveryHeaderItNamesAndItself() {
    HttpHeaders h = new DefaultHttpHeaders()
        .add("connection", "Keep-Alive ,x-hop,,  X-Other ,")
        .add("connection", "close")
        .add("keep-alive", "timeout=5")
        .add("x-hop", "1")
        .add("x-other", "2")
        .add("close", "3")
        .add("upgrade", "websocket")
        .add("x-end", "4");

    HeaderRules.toDownstream(h, false);

    assertThat(h.names()).containsExactly("x-end");
  }

  @Test
  void anUpgradeKeepsUpgradeAndSaysSo() {
    HttpHeaders h = new DefaultHttpHeaders()
        .add("connection", "upgrade, x-hop")
        .add("upgrade", "websocket")
        .add("x-hop", "1");

    HeaderRules.toDownstream(h, true);

    assertThat(h.get("upgrade")).isEqualTo("websocket");
    assertThat(h.get("connection")).isEqualTo("upgrade");
    assertThat(h.contains("x-hop")).isFalse();
  }

  @Test
  void forwardedForAppendsTheClientAddress() {
    HttpHeaders h = new DefaultHttpHeaders().set(HeaderRules.X_FORWARDED_FOR, "1.2.3.4");
    HeaderRules.toUpstream(h, "10.0.0.1", false, false);
    assertThat(h.get(HeaderRules.X_FORWARDED_FOR)).isEqualTo("1.2.3.4, 10.0.0.1");
    assertThat(h.get(HeaderRules.X_FORWARDED_PROTO)).isEqualTo("http");
    assertThat(h.contains(HeaderRules.X_REQUEST_ID)).isFalse();
  }
}
