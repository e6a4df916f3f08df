package dev.corral.controlplane.xds;

import static dev.corral.controlplane.xds.FakeSidecar.nackOf;
import static dev.corral.controlplane.xds.FakeSidecar.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corral.controlplane.xds.AckTracker.SidecarStatus;
import dev.corral.controlplane.xds.AckTracker.TypeStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ADS server against a real gRPC client acting as a sidecar. */
class XdsServerTest {
  private static final String GROUP = "shop/web";
  private static final Duration QUIET = Duration.ofMillis(500);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private SnapshotPublisher publisher;
  private XdsServer server;

  private void start(Duration window, PolicyResolver policies) {
    publisher = SnapshotPublisher.builder().coalesceWindow(window).build();
    server = XdsServer.builder(publisher).port(0).host("127.0.0.1").policies(policies).build()
        .start();
    closeables.add(publisher);
    closeables.add(server);
  }

  private void start() {
    start(Duration.ofMillis(10), PolicyResolver.none());
  }

  private FakeSidecar sidecar(boolean nodeOnFirstMessageOnly) {
    FakeSidecar s = new FakeSidecar(server.port(), node("web-1.shop", "web"),
        nodeOnFirstMessageOnly);
    closeables.add(0, s);
    return s;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void servesLdsAndCdsThenRdsAndEdsByName() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);

    sidecar.subscribe(XdsType.CDS);
    DiscoveryResponse cds = sidecar.next(XdsType.CDS);
    assertThat(names(cds, Cluster.class, Cluster::getName)).containsExactlyInAnyOrder("a", "b");
    sidecar.ack(cds);
    sidecar.subscribe(XdsType.LDS);
    DiscoveryResponse lds = sidecar.next(XdsType.LDS);
    assertThat(names(lds, Listener.class, Listener::getName)).containsExactly("outbound");
    sidecar.ack(lds);

    sidecar.subscribe(XdsType.EDS, "a", "b");
    DiscoveryResponse eds = sidecar.next(XdsType.EDS);
    assertThat(names(eds, ClusterLoadAssignment.class, ClusterLoadAssignment::getClusterName))
        .containsExactlyInAnyOrder("a", "b");
    sidecar.ack(eds, "a", "b");
    sidecar.subscribe(XdsType.RDS, "web");
    DiscoveryResponse rds = sidecar.next(XdsType.RDS);
    assertThat(names(rds, RouteConfiguration.class, RouteConfiguration::getName))
        .containsExactly("web");
    sidecar.ack(rds, "web");

    sidecar.expectNothingFor(QUIET);
  }

  @Test
  void changingOneClusterBumpsOnlyTheCdsVersion() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    Map<XdsType, DiscoveryResponse> first = subscribeAll(sidecar);

    publisher.publish(GROUP, TestResources.mesh(5));

    DiscoveryResponse cds = sidecar.next(XdsType.CDS);
    assertThat(cds.getVersionInfo()).isNotEqualTo(first.get(XdsType.CDS).getVersionInfo());
    sidecar.ack(cds);
    sidecar.expectNothingFor(QUIET);
    Map<XdsType, String> versions = publisher.versions(GROUP).orElseThrow().versions();
    for (XdsType t : List.of(XdsType.EDS, XdsType.LDS, XdsType.RDS)) {
      assertThat(versions.get(t)).as(t.name()).isEqualTo(first.get(t).getVersionInfo());
    }
  }

  @Test
  void nackedVersionIsNotResentAndTheNextVersionIsDelivered() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    Map<XdsType, DiscoveryResponse> first = subscribeAll(sidecar);

    publisher.publish(GROUP, TestResources.mesh(5));
    DiscoveryResponse bad = sidecar.next(XdsType.CDS);
    sidecar.nack(bad, first.get(XdsType.CDS).getVersionInfo(), "cluster a: bad timeout");
    sidecar.expectNothingFor(QUIET);

    publisher.publish(GROUP, TestResources.mesh(7));
    DiscoveryResponse fixed = sidecar.next(XdsType.CDS);
    assertThat(fixed.getVersionInfo()).isNotEqualTo(bad.getVersionInfo());
    assertThat(names(fixed, Cluster.class, c -> c.getName() + ":" + c.getConnectTimeout().getSeconds()))
        .contains("a:7");
  }

  @Test
  void nackedEdsByNameIsNotResent() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    sidecar.subscribe(XdsType.EDS, "a", "b");
    DiscoveryResponse eds = sidecar.next(XdsType.EDS);

    sidecar.nack(eds, "", "endpoint rejected", "a", "b");

    sidecar.expectNothingFor(QUIET);
  }

  @Test
  void aClientThatNacksEverythingGetsOneResponsePerVersion() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    sidecar.autoReply(r -> nackOf(r, "", "rejected by a strict client",
        r.getTypeUrl().equals(XdsType.EDS.typeUrl()) ? new String[] {"a", "b"}
            : r.getTypeUrl().equals(XdsType.RDS.typeUrl()) ? new String[] {"web"}
            : new String[0]));
    sidecar.subscribe(XdsType.CDS);
    sidecar.subscribe(XdsType.LDS);
    sidecar.subscribe(XdsType.EDS, "a", "b");
    sidecar.subscribe(XdsType.RDS, "web");
    await().untilAsserted(() -> assertThat(sidecar.received).hasValue(4));

    Thread.sleep(QUIET.toMillis());
    assertThat(sidecar.received).as("one response per type").hasValue(4);

    publisher.publish(GROUP, TestResources.mesh(5));
    await().untilAsserted(() -> assertThat(sidecar.received).hasValue(5));
    Thread.sleep(QUIET.toMillis());
    assertThat(sidecar.received).as("and one more for the new CDS version").hasValue(5);
    assertThat(publisher.metrics().nacks.labelValues("cds").get()).isEqualTo(2.0);
  }

  @Test
  void aNodeSentOnlyOnTheFirstMessageKeepsItsGroup() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    XdsResources other = new XdsResources(List.of(TestResources.edsCluster("other", 1)),
        List.of(TestResources.endpoints("other", 9000)), List.of(), List.of());
    publisher.publish("/", other);
    FakeSidecar sidecar = sidecar(true);

    sidecar.subscribe(XdsType.LDS);
    sidecar.ack(sidecar.next(XdsType.LDS));
    sidecar.subscribe(XdsType.CDS);

    DiscoveryResponse cds = sidecar.next(XdsType.CDS);
    assertThat(names(cds, Cluster.class, Cluster::getName)).containsExactlyInAnyOrder("a", "b");
    assertThat(server.tracker().status()).singleElement()
        .extracting(SidecarStatus::group).isEqualTo(GROUP);
  }

  @Test
  void anInconsistentSetIsRefusedAndTheLastGoodOneKept() throws Exception {
    start();
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    Map<XdsType, DiscoveryResponse> first = subscribeAll(sidecar);

    XdsResources good = TestResources.mesh(5);
    XdsResources broken = new XdsResources(good.clusters(), good.endpoints().subList(0, 1),
        good.listeners(), List.of(TestResources.route("other", "a")));
    SnapshotPublisher.Outcome outcome = publisher.publish(GROUP, broken);

    assertThat(outcome.accepted()).isFalse();
    assertThat(outcome.problems()).anySatisfy(p -> assertThat(p).contains("no RouteConfiguration named web"))
        .anySatisfy(p -> assertThat(p).contains("no ClusterLoadAssignment named b"));
    assertThat(publisher.lastRefusal(GROUP)).contains(outcome);
    sidecar.expectNothingFor(QUIET);
    assertThat(publisher.versions(GROUP).orElseThrow().versions().get(XdsType.CDS))
        .isEqualTo(first.get(XdsType.CDS).getVersionInfo());
  }

  @Test
  void aBurstOfPublishesBecomesOneVersion() throws Exception {
    // A window far longer than the test, ended by hand: the burst cannot straddle it.
    start(Duration.ofHours(1), PolicyResolver.none());
    publisher.publish(GROUP, TestResources.mesh(1));
    publisher.flush();
    FakeSidecar sidecar = sidecar(false);
    Map<XdsType, DiscoveryResponse> first = subscribeAll(sidecar);
    double snapshotsBefore = publisher.metrics().snapshots.get();

    for (int i = 2; i <= 11; i++) {
      publisher.publish(GROUP, TestResources.mesh(i));
    }
    sidecar.expectNothingFor(Duration.ofMillis(200));
    publisher.flush();

    DiscoveryResponse cds = sidecar.next(XdsType.CDS);
    assertThat(names(cds, Cluster.class, c -> c.getName() + ":" + c.getConnectTimeout().getSeconds()))
        .contains("a:11");
    sidecar.ack(cds);
    sidecar.expectNothingFor(QUIET);
    assertThat(publisher.metrics().snapshots.get() - snapshotsBefore).isEqualTo(1.0);
    assertThat(cds.getVersionInfo()).isNotEqualTo(first.get(XdsType.CDS).getVersionInfo());
  }

  @Test
  void theServedSequenceTellsWhichPublishAGroupServes() throws Exception {
    start(Duration.ofHours(1), PolicyResolver.none());
    assertThat(publisher.servedSequence(GROUP)).isEmpty();
    publisher.publish(GROUP, TestResources.mesh(1));
    long first = publisher.lastSequence();
    assertThat(publisher.servedSequence(GROUP)).as("held in the window").isEmpty();
    publisher.flush();
    assertThat(publisher.servedSequence(GROUP)).hasValue(first);

    publisher.publish(GROUP, TestResources.mesh(2));
    long second = publisher.lastSequence();
    assertThat(second).isGreaterThan(first);
    assertThat(publisher.servedSequence(GROUP)).hasValue(first);
    publisher.flush();
    assertThat(publisher.servedSequence(GROUP)).hasValue(second);

    // Equal content changes no version, but the group does serve that publish.
    String cds = publisher.versions(GROUP).orElseThrow().versions().get(XdsType.CDS);
    publisher.publish(GROUP, TestResources.mesh(2));
    publisher.flush();
    assertThat(publisher.servedSequence(GROUP)).hasValue(publisher.lastSequence());
    assertThat(publisher.versions(GROUP).orElseThrow().versions().get(XdsType.CDS)).isEqualTo(cds);
  }

  @Test
  void publishesWithinTheWindowOnTheirOwn() throws Exception {
    start(SnapshotPublisher.DEFAULT_COALESCE_WINDOW, PolicyResolver.none());
    publisher.publish(GROUP, TestResources.mesh(1));
    publisher.publish(GROUP, TestResources.mesh(2));

    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.versions(GROUP).isPresent());
    FakeSidecar sidecar = sidecar(false);
    sidecar.subscribe(XdsType.CDS);
    assertThat(names(sidecar.next(XdsType.CDS), Cluster.class,
        c -> c.getName() + ":" + c.getConnectTimeout().getSeconds())).contains("a:2");
  }

  @Test
  void theTrackerShowsAckedVersionsAndNackedPolicies() throws Exception {
    start(Duration.ofMillis(10), (type, name) ->
        type == XdsType.CDS && name.equals("a") ? Set.of("shop/BalancePolicy/a-lb") : Set.of());
    publisher.publish(GROUP, TestResources.mesh(1));
    FakeSidecar sidecar = sidecar(false);
    Map<XdsType, DiscoveryResponse> first = subscribeAll(sidecar);

    await().untilAsserted(() -> {
      SidecarStatus s = server.tracker().status().get(0);
      assertThat(s.nodeId()).isEqualTo("web-1.shop");
      assertThat(s.group()).isEqualTo(GROUP);
      for (XdsType t : XdsType.values()) {
        assertThat(s.types().get(t.name()).ackedVersion()).as(t.name())
            .isEqualTo(first.get(t).getVersionInfo());
      }
    });

    publisher.publish(GROUP, TestResources.mesh(5));
    DiscoveryResponse bad = sidecar.next(XdsType.CDS);
    sidecar.nack(bad, first.get(XdsType.CDS).getVersionInfo(),
        "Error adding/updating cluster(s) a: connect_timeout too large");

    await().untilAsserted(() -> {
      TypeStatus cds = server.tracker().status().get(0).types().get("CDS");
      assertThat(cds.rejected()).isTrue();
      assertThat(cds.ackedVersion()).isEqualTo(first.get(XdsType.CDS).getVersionInfo());
      assertThat(cds.lastNack().version()).isEqualTo(bad.getVersionInfo());
      assertThat(cds.lastNack().resources()).containsExactly("a");
      assertThat(cds.lastNack().message()).contains("connect_timeout too large");
    });
    assertThat(server.tracker().rejectedPolicies()).containsOnlyKeys("shop/BalancePolicy/a-lb");
    assertThat(publisher.metrics().pushLatency.collect().getDataPoints().stream()
        .filter(d -> d.getLabels().get("type").equals("cds")).mapToLong(d -> d.getCount()).sum())
        .isEqualTo(1);

    sidecar.close();
    await().untilAsserted(() -> assertThat(server.tracker().status()).isEmpty());
    assertThat(publisher.metrics().connectedSidecars.get()).isZero();
  }

  /** Subscribes to all four types and ACKs each first response. */
  private static Map<XdsType, DiscoveryResponse> subscribeAll(FakeSidecar sidecar)
      throws InterruptedException {
    sidecar.subscribe(XdsType.CDS);
    DiscoveryResponse cds = sidecar.next(XdsType.CDS);
    sidecar.ack(cds);
    sidecar.subscribe(XdsType.EDS, "a", "b");
    DiscoveryResponse eds = sidecar.next(XdsType.EDS);
    sidecar.ack(eds, "a", "b");
    sidecar.subscribe(XdsType.LDS);
    DiscoveryResponse lds = sidecar.next(XdsType.LDS);
    sidecar.ack(lds);
    sidecar.subscribe(XdsType.RDS, "web");
    DiscoveryResponse rds = sidecar.next(XdsType.RDS);
    sidecar.ack(rds, "web");
    return Map.of(XdsType.CDS, cds, XdsType.EDS, eds, XdsType.LDS, lds, XdsType.RDS, rds);
  }

  private static <T extends com.google.protobuf.Message> List<String> names(DiscoveryResponse r,
      Class<T> type, java.util.function.Function<T, String> name) {
    return r.getResourcesList().stream().map(any -> {
      try {
        return name.apply(any.unpack(type));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }
}
