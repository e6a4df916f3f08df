package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ADS streams under overload, driven by hand through the real service (java-control-plane, the
 * cache, the send pool) with a {@link FakeCall} in place of gRPC's: a response that cannot be
 * sent fails its stream and nothing else; a call that is not ready gets its responses later.
 */
class AdsOverloadTest {
  private static final String GROUP = "shop/web";

  private SnapshotPublisher publisher;
  private XdsServer server;

  @BeforeEach
  void start() {
    publisher = SnapshotPublisher.builder().coalesceWindow(Duration.ofMillis(10)).build();
    // One send thread: had a failure killed it, the next stream would be sent on another one.
    server = XdsServer.builder(publisher).port(0).sendThreads(1).build();
    publisher.publish(GROUP, TestResources.mesh(1));
  }

  @AfterEach
  void close() {
    server.close();
    publisher.close();
  }

  private StreamObserver<DiscoveryRequest> open(FakeCall call) {
    return server.ads().streamAggregatedResources(call);
  }

  private static DiscoveryRequest request(XdsType type, String version, String nonce) {
    return DiscoveryRequest.newBuilder().setNode(FakeSidecar.node("web-1.shop", "web"))
        .setTypeUrl(type.typeUrl()).setVersionInfo(version).setResponseNonce(nonce).build();
  }

  private double sendFailures(XdsType type) {
    return publisher.metrics().sendFailures.labelValues(type.metricLabel()).get();
  }

  @Test
  void aResponseThatCannotBeSentFailsTheStreamWithUnavailableAndTheNextStreamIsServed() {
    FakeCall broken = new FakeCall();
    broken.throwOnNext = new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
    StreamObserver<DiscoveryRequest> first = open(broken);
    first.onNext(request(XdsType.CDS, "", ""));

    await().until(() -> broken.error != null);
    Status status = Status.fromThrowable(broken.error);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("CDS");
    assertThat(sendFailures(XdsType.CDS)).isEqualTo(1);
    await().until(() -> server.tracker().status().isEmpty());

    FakeCall next = new FakeCall();
    open(next).onNext(request(XdsType.CDS, "", ""));

    await().until(() -> next.sent.size() == 1);
    assertThat(next.sent.get(0).getTypeUrl()).isEqualTo(XdsType.CDS.typeUrl());
    assertThat(next.sendThreads).containsExactly("corral-xds-send-1");
    assertThat(next.error).isNull();
  }

  @Test
  void aCallThatIsNotReadyGetsItsResponsesWhenReadyAndItsAckIsMatched() {
    FakeCall call = new FakeCall();
    call.ready = false;
    StreamObserver<DiscoveryRequest> requests = open(call);
    requests.onNext(request(XdsType.CDS, "", ""));
    requests.onNext(request(XdsType.LDS, "", ""));

    // Each response asks the call whether it is ready once it reaches the stream.
    await().until(() -> call.readyChecks.get() >= 2);
    assertThat(call.sent).isEmpty();
    assertThat(server.tracker().status().get(0).types()).as("nothing recorded as sent").isEmpty();

    call.becomeReady();
    await().until(() -> call.sent.size() == 2);
    DiscoveryResponse cds = call.sent.get(0);
    assertThat(cds.getTypeUrl()).isEqualTo(XdsType.CDS.typeUrl());
    assertThat(call.sent.get(1).getTypeUrl()).isEqualTo(XdsType.LDS.typeUrl());

    // The ACK of what was sent is matched by java-control-plane (a new watch), so the next
    // version of CDS follows.
    requests.onNext(request(XdsType.CDS, cds.getVersionInfo(), cds.getNonce()));
    await().until(() -> server.tracker().status().get(0).types().get("CDS")
        .ackedVersion().equals(cds.getVersionInfo()));
    publisher.publish(GROUP, TestResources.mesh(5));
    await().until(() -> call.sent.size() == 3);
    assertThat(call.sent.get(2).getTypeUrl()).isEqualTo(XdsType.CDS.typeUrl());
    assertThat(call.sent.get(2).getVersionInfo()).isNotEqualTo(cds.getVersionInfo());
  }
}
