package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowControlledResponsesTest {
  private final FakeCall call = new FakeCall();
  private final List<DiscoveryResponse> recorded = new ArrayList<>();
  private final List<DiscoveryResponse> superseded = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();
  private int closed;
  private final FlowControlledResponses responses = new FlowControlledResponses(call,
      recorded::add, superseded::add, (r, cause) -> failures.add(cause), () -> closed++,
      new SendBudget(Long.MAX_VALUE), Duration.ZERO); // no cap: flow control alone

  private static DiscoveryResponse response(XdsType type, String version, String nonce) {
    return DiscoveryResponse.newBuilder().setTypeUrl(type.typeUrl()).setVersionInfo(version)
        .setNonce(nonce).build();
  }

  @Test
  void sendsAtOnceWhileTheCallIsReady() {
    DiscoveryResponse cds = response(XdsType.CDS, "1", "0");
    responses.onNext(cds);
    assertThat(call.sent).containsExactly(cds);
    assertThat(recorded).containsExactly(cds);
  }

  @Test
  void whileNotReadyOnlyTheLatestOfATypeIsSentWhenReadyInOrderWithOtherTypes() {
    call.ready = false;
    DiscoveryResponse cds1 = response(XdsType.CDS, "1", "0");
    DiscoveryResponse lds1 = response(XdsType.LDS, "1", "1");
    DiscoveryResponse cds2 = response(XdsType.CDS, "2", "2");
    responses.onNext(cds1);
    responses.onNext(lds1);
    responses.onNext(cds2);

    assertThat(call.sent).isEmpty();
    assertThat(recorded).as("only what is sent is recorded").isEmpty();
    assertThat(superseded).containsExactly(cds1);
    assertThat(responses.isReady()).isFalse();

    call.becomeReady();

    assertThat(call.sent).containsExactly(cds2, lds1);
    assertThat(recorded).containsExactly(cds2, lds1);
    assertThat(responses.pendingCount()).isZero();
  }

  @Test
  void stopsSendingWhenTheCallStopsBeingReadyAndGoesOnWhenReady() {
    call.notReadyAfterEachSend = true;
    DiscoveryResponse cds = response(XdsType.CDS, "1", "0");
    DiscoveryResponse eds = response(XdsType.EDS, "1", "1");
    DiscoveryResponse rds = response(XdsType.RDS, "1", "2");
    responses.onNext(cds);
    responses.onNext(eds);
    responses.onNext(rds);
    assertThat(call.sent).containsExactly(cds);

    call.becomeReady();
    assertThat(call.sent).containsExactly(cds, eds);
    call.becomeReady();
    assertThat(call.sent).containsExactly(cds, eds, rds);
    assertThat(superseded).isEmpty();
  }

  @Test
  void aResponseThatCannotBeSentFailsTheStreamWithUnavailableOnce() {
    call.throwOnNext = new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");

    responses.onNext(response(XdsType.EDS, "1", "0")); // does not throw: the send thread goes on
    responses.onNext(response(XdsType.RDS, "1", "1"));

    Status status = Status.fromThrowable(call.error);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("EDS").contains("Cannot reserve");
    assertThat(failures).hasSize(1).first().isInstanceOf(OutOfMemoryError.class);
    assertThat(responses.failed()).isTrue();

    // java-control-plane then closes its side: the call is not closed a second time.
    responses.onError(Status.CANCELLED.asRuntimeException());
    assertThat(Status.fromThrowable(call.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(closed).isEqualTo(1);
  }

  @Test
  void aFailedSendTaskFailsTheStreamLikeAFailedSend() {
    responses.fail(null, new IllegalStateException("cannot pack"));
    responses.fail(null, new IllegalStateException("again"));

    assertThat(Status.fromThrowable(call.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failures).hasSize(1);
    responses.onNext(response(XdsType.CDS, "1", "0"));
    assertThat(call.sent).isEmpty();
  }

  @Test
  void aReadyHandlerSetByTheServerRunsAfterOurs() {
    List<String> order = new ArrayList<>();
    call.ready = false;
    responses.onNext(response(XdsType.CDS, "1", "0"));
    responses.setOnReadyHandler(() -> order.add("delegate saw " + call.sent.size()));

    call.becomeReady();

    assertThat(order).containsExactly("delegate saw 1");
  }

  @Test
  void pendingResponsesGoWhenTheStreamCloses() {
    call.ready = false;
    responses.onNext(response(XdsType.CDS, "1", "0"));
    responses.onCompleted();
    call.ready = true;
    assertThat(responses.pendingCount()).isZero();
    assertThat(call.completed).isTrue();
    assertThat(closed).isEqualTo(1);
  }
}
