package dev.corral.sidecar.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterChainsTest {
  private static final FilterChains.Chain APP = new FilterChains.Chain("app", OptionalInt.of(8080), Set.of(),
      new FilterChains.Http());
  private static final FilterChains.Chain HTTP = new FilterChains.Chain("http", OptionalInt.empty(),
      Set.of("http/1.1", "h2c"), new FilterChains.Http());
  private static final FilterChains.Chain PASS = new FilterChains.Chain("pass", OptionalInt.empty(), Set.of(),
      new FilterChains.Tcp("PassthroughCluster", "pass"));

  private static FilterChains chains(List<FilterChains.Chain> chains, FilterChains.Chain fallback) {
    return new FilterChains(true, true, Duration.ofSeconds(1), true, chains, fallback);
  }

  @Test
  void aChainNamingTheDestinationPortWinsOverOneNamingTheProtocol() {
    FilterChains c = chains(List.of(HTTP, APP), PASS);
    assertThat(c.select(8080, "http/1.1")).isEqualTo(APP);
    assertThat(c.select(8080, null)).isEqualTo(APP);
  }

  @Test
  void otherPortsAreChosenByProtocolAndFallBackToTheDefaultChain() {
    FilterChains c = chains(List.of(HTTP, APP), PASS);
    assertThat(c.select(9090, "h2c")).isEqualTo(HTTP);
    assertThat(c.select(9090, null)).isEqualTo(PASS);
    assertThat(c.select(9090, "http/1.0")).isEqualTo(PASS);
  }

  @Test
  void withoutADefaultChainAnUnmatchedConnectionHasNone() {
    assertThat(chains(List.of(APP), null).select(9090, null)).isNull();
  }

  @Test
  void onlyASingleUnmatchedHttpChainWithoutListenerFiltersIsPlainHttp() {
    assertThat(new FilterChains(false, false, Duration.ofSeconds(1), false,
        List.of(new FilterChains.Chain("h", OptionalInt.empty(), Set.of(), new FilterChains.Http())), null)
        .plainHttp()).isTrue();
    assertThat(chains(List.of(HTTP), PASS).plainHttp()).isFalse();
    assertThat(chains(List.of(HTTP), PASS).needsProtocol()).isTrue();
    assertThat(chains(List.of(APP), PASS).needsProtocol()).isFalse();
  }

  @Test
  void parsesSockaddrInAndSockaddrIn6() throws Exception {
    ByteBuffer v4 = ByteBuffer.wrap(new byte[] {2, 0, 0x1f, (byte) 0x90, 10, 96, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0});
    assertThat(OriginalDestination.parse(v4)).isEqualTo(new InetSocketAddress("10.96.0.10", 8080));
    byte[] six = new byte[28];
    six[0] = 10;
    six[2] = 0x1f;
    six[3] = (byte) 0x90;
    six[8] = (byte) 0xfd;
    six[23] = 1;
    assertThat(OriginalDestination.parse(ByteBuffer.wrap(six)))
        .isEqualTo(new InetSocketAddress("fd00::1", 8080));
  }
}
