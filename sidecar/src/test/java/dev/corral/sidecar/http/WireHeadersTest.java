package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.wire.WireHead;
import dev.corral.sidecar.wire.WireHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map.Entry;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WireHeaders} against the {@link DefaultHttpHeaders} Netty's decoder makes of the same head:
 * the same operations, the same answers.
 */
class WireHeadersTest {
  private static final String HEAD = "GET / HTTP/1.1\r\n"
      + "Host: svc:8080\r\n"
      + "Connection: keep-alive, X-Hop\r\n"
      + "X-Hop: 1\r\n"
      + "keep-alive: timeout=5\r\n"
      + "Accept: text/html, Application/JSON\r\n"
      + "accept: */*\r\n"
      + "X-Forwarded-For: 10.1.1.1\r\n"
      + "TE: trailers\r\n"
      + "X-Num: 42\r\n"
      + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
      + "X-Empty: \r\n"
      + "X-List: a,,B ,\r\n"
      + "X-List: , c\r\n"
      + "X-Tail: a ,\r\n"
      + "\r\n";
  private static final List<CharSequence> NAMES = List.of("host", "HOST", AsciiString.of("connection"),
      "x-hop", "keep-alive", "accept", AsciiString.of("Accept"), "x-forwarded-for", "te", "x-num", "date",
      "x-empty", "x-list", "x-tail", "x-request-id", "absent", "x-forwarded-proto", "transfer-encoding", "hos");
  private static final List<String> VALUES = List.of("1", "*/*", "application/json", "text/html", "keep-alive",
      "42", "", "trailers", "TRAILERS", "a", "b", "c", " c");

  @Test
  void headerRulesLeaveTheSameHeaders() {
    HttpHeaders netty = nettyHeaders(HEAD);
    WireHeaders wire = wireHeaders(HEAD);
    HeaderRules.toUpstream(netty, "10.0.0.9", false, false);
    HeaderRules.toUpstream(wire, "10.0.0.9", false, false);
    HeaderRules.frameForHttp1(netty, true);
    HeaderRules.frameForHttp1(wire, true);
    assertSame(wire, netty);

    HeaderRules.toDownstream(netty, false);
    HeaderRules.toDownstream(wire, false);
    assertSame(wire, netty);
  }

  @Test
  void anUpgradeKeepsTheSameHeaders() {
    String head = "GET / HTTP/1.1\r\nConnection: Upgrade, x-a\r\nUpgrade: websocket\r\nx-a: 1\r\nx-b: 2\r\n\r\n";
    HttpHeaders netty = nettyHeaders(head);
    WireHeaders wire = wireHeaders(head);
    assertThat(HeaderRules.isUpgrade(wire)).isEqualTo(HeaderRules.isUpgrade(netty)).isTrue();
    HeaderRules.toUpstream(netty, "10.0.0.9", true, false);
    HeaderRules.toUpstream(wire, "10.0.0.9", true, false);
    assertSame(wire, netty);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void randomOperationSequencesGiveTheSameAnswers(long seed) {
    Random random = new Random(seed);
    HttpHeaders netty = nettyHeaders(HEAD);
    WireHeaders wire = wireHeaders(HEAD);
    for (int step = 0; step < 60; step++) {
      CharSequence name = NAMES.get(random.nextInt(NAMES.size()));
      String value = VALUES.get(random.nextInt(VALUES.size()));
      boolean ignoreCase = random.nextBoolean();
      int op = random.nextInt(100);
      Consumer<HttpHeaders> mutation;
      if (op < 15) {
        mutation = h -> h.remove(name);
      } else if (op < 25) {
        mutation = h -> h.add(name, value);
      } else if (op < 35) {
        mutation = h -> h.set(name, value);
      } else if (op < 38) {
        mutation = h -> h.set(name, List.of(value, "x"));
      } else if (op < 40) {
        mutation = h -> h.add(name, List.of(value, "y"));
      } else if (op < 41) {
        mutation = h -> h.setInt(name, 7);
      } else if (op < 42) {
        mutation = h -> h.addInt(name, 8);
      } else if (op < 43) {
        mutation = h -> h.iterator().hasNext();
      } else if (op < 47) {
        int index = random.nextInt(14);
        mutation = h -> removeThroughIterator(h, index);
      } else if (op < 48 && step > 40) {
        mutation = HttpHeaders::clear;
      } else {
        mutation = h -> { };
      }
      assertThat(outcome(() -> {
        mutation.accept(wire);
        return "done";
      })).isEqualTo(outcome(() -> {
        mutation.accept(netty);
        return "done";
      }));
      assertThat(wire.contains(name, value, ignoreCase)).as("contains %s %s", name, value)
          .isEqualTo(netty.contains(name, value, ignoreCase));
      assertThat(wire.containsValue(name, value, ignoreCase)).as("containsValue %s %s", name, value)
          .isEqualTo(netty.containsValue(name, value, ignoreCase));
      assertSame(wire, netty);
    }
  }

  @Test
  void listElementsAreMatchedAsNettyMatchesThem() {
    String head = "GET / HTTP/1.1\r\nX-Tail: a ,\r\nX-Mid: b,,c\r\nX-Lead: ,d\r\n\r\n";
    HttpHeaders netty = nettyHeaders(head);
    WireHeaders wire = wireHeaders(head);
    for (String name : List.of("x-tail", "x-mid", "x-lead")) {
      for (String value : List.of("", "a", "A", "b", "c", "d", "a ,")) {
        assertThat(wire.containsValue(name, value, true)).as("%s '%s'", name, value)
            .isEqualTo(netty.containsValue(name, value, true));
      }
    }
    assertThat(wire.containsValue("x-tail", "", false)).isFalse();
  }

  @Test
  void keptLinesAreWrittenAsReceivedAndAdditionsAfterThem() {
    String head = "GET / HTTP/1.1\r\nHost:  svc \r\nX-Drop: 1\r\nAccept:\t*/*\r\n\r\n";
    WireHeaders wire = wireHeaders(head);
    wire.remove("x-drop");
    wire.add("x-new", "v");

    assertThat(encoded(wire)).isEqualTo("Host:  svc \r\nAccept:\t*/*\r\nx-new: v\r\n");

    wire.set("accept", "a");
    assertThat(encoded(wire)).isEqualTo("Host:  svc \r\nx-new: v\r\naccept: a\r\n");
  }

  @Test
  void afterMaterializingTheFieldsAreWrittenFromThem() {
    WireHeaders wire = wireHeaders("GET / HTTP/1.1\r\nHost: svc\r\nX-A: 1\r\n\r\n");
    wire.setInt("x-a", 2); // a rare mutation: everything moves to a DefaultHttpHeaders

    assertThat(encoded(wire)).isEqualTo("Host: svc\r\nx-a: 2\r\n");
  }

  @Test
  void anInvalidNameIsRefusedBeforeAnythingChangesWhenValidating() {
    WireHeaders wire = wireHeaders("GET / HTTP/1.1\r\nHost: svc\r\n\r\n");

    assertThatThrownBy(() -> wire.set("bad name", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThat(wire.get("host")).isEqualTo("svc");
  }

  @Test
  void copyIsIndependentAndAlike() {
    WireHeaders wire = wireHeaders(HEAD);
    wire.remove("x-hop");
    wire.add("x-b", "2");
    HttpHeaders copy = wire.copy();
    copy.remove("host");

    assertThat(copy).isInstanceOf(DefaultHttpHeaders.class);
    assertThat(wire.get("host")).isEqualTo("svc:8080");
    assertThat(entries(copy)).hasSize(entries(wire).size() - 1);
  }

  private static void removeThroughIterator(HttpHeaders h, int index) {
    Iterator<Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    for (int i = 0; i <= index && it.hasNext(); i++) {
      it.next();
      if (i == index) {
        it.remove();
      }
    }
  }

  private static void assertSame(HttpHeaders wire, HttpHeaders netty) {
    assertThat(entries(wire)).isEqualTo(entries(netty));
    assertThat(strings(wire.entries())).isEqualTo(strings(netty.entries()));
    assertThat(wire.size()).isEqualTo(netty.size());
    assertThat(wire.isEmpty()).isEqualTo(netty.isEmpty());
    assertThat(new ArrayList<>(wire.names())).isEqualTo(new ArrayList<>(netty.names()));
    assertThat(strings(wire.copy().entries())).isEqualTo(strings(netty.entries()));
    for (CharSequence name : NAMES) {
      assertThat(wire.get(name)).as("get %s", name).isEqualTo(netty.get(name));
      assertThat(wire.get(name.toString())).isEqualTo(netty.get(name.toString()));
      assertThat(wire.getAll(name)).as("getAll %s", name).isEqualTo(netty.getAll(name));
      assertThat(wire.contains(name)).as("contains %s", name).isEqualTo(netty.contains(name));
      assertThat(outcome(() -> wire.getInt(name))).as("getInt %s", name).isEqualTo(outcome(() -> netty.getInt(name)));
      assertThat(outcome(() -> wire.getTimeMillis(name))).as("getTimeMillis %s", name)
          .isEqualTo(outcome(() -> netty.getTimeMillis(name)));
      assertThat(strings(wire.valueCharSequenceIterator(name))).isEqualTo(strings(netty.valueCharSequenceIterator(name)));
      assertThat(strings(wire.valueStringIterator(name))).isEqualTo(strings(netty.valueStringIterator(name)));
      for (String value : VALUES) {
        for (boolean ignoreCase : new boolean[] {false, true}) {
          assertThat(wire.containsValue(name, value, ignoreCase)).as("containsValue %s '%s' %s", name, value, ignoreCase)
              .isEqualTo(netty.containsValue(name, value, ignoreCase));
          assertThat(wire.contains(name, value, ignoreCase)).as("contains %s '%s' %s", name, value, ignoreCase)
              .isEqualTo(netty.contains(name, value, ignoreCase));
        }
      }
    }
    if (wire instanceof WireHeaders w) {
      assertThat(encoded(w)).isEqualTo(encodedLikeNetty(netty));
    }
  }

  /** A value or the class of what was thrown instead, to compare two implementations. */
  private static Object outcome(Supplier<?> read) {
    try {
      return String.valueOf(read.get());
    } catch (Exception e) { // Netty throws ParseException unchecked
      return e.getClass();
    }
  }

  private static List<String> entries(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    h.iteratorCharSequence().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue()));
    return out;
  }

  private static List<String> strings(List<Entry<String, String>> entries) {
    return entries.stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  private static List<String> strings(Iterator<? extends CharSequence> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(v -> out.add(v.toString()));
    return out;
  }

  private static String encoded(WireHeaders h) {
    ByteBuf buf = Unpooled.buffer();
    h.encodeTo(buf);
    String s = buf.toString(StandardCharsets.US_ASCII);
    buf.release();
    return s;
  }

  private static String encodedLikeNetty(HttpHeaders h) {
    StringBuilder sb = new StringBuilder();
    h.iteratorCharSequence().forEachRemaining(e -> sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n"));
    return sb.toString();
  }

  /** The headers Netty's own decoder makes of the head. */
  static HttpHeaders nettyHeaders(String head) {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder());
    channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
    HttpRequest request = channel.readInbound();
    Object last;
    while ((last = channel.readInbound()) != null) {
      ReferenceCountUtil.release(last);
    }
    channel.finishAndReleaseAll();
    return request.headers();
  }

  static WireHeaders wireHeaders(String head) {
    WireHead parsed = WireHead.request(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII), 4096, 8192, true);
    assertThat(parsed).isNotNull();
    return parsed.headers();
  }
}
