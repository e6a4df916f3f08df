package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A sidecar's ADS side, on grpc-java's generated stub: sends requests, ACKs and NACKs by hand. */
final class FakeSidecar implements AutoCloseable {
  final Node node;
  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> requests;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  final AtomicInteger received = new AtomicInteger();
  private volatile Function<DiscoveryResponse, DiscoveryRequest> autoReply;
  private boolean nodeSent;
  private final boolean nodeOnFirstMessageOnly;

  FakeSidecar(int port, Node node, boolean nodeOnFirstMessageOnly) {
    this.node = node;
    this.nodeOnFirstMessageOnly = nodeOnFirstMessageOnly;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse r) {
            received.incrementAndGet();
            Function<DiscoveryResponse, DiscoveryRequest> reply = autoReply;
            if (reply != null) {
              send(reply.apply(r));
            } else {
              responses.add(r);
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
  }

  static Node node(String id, String workload) {
    return Node.newBuilder().setId(id)
        .setMetadata(Struct.newBuilder()
            .putFields(NodeGroup.WORKLOAD_KEY, Value.newBuilder().setStringValue(workload).build()))
        .build();
  }

  synchronized void send(DiscoveryRequest request) {
    DiscoveryRequest.Builder b = request.toBuilder();
    if (!nodeSent || !nodeOnFirstMessageOnly) {
      b.setNode(node);
    }
    nodeSent = true;
    requests.onNext(b.build());
  }

  void subscribe(XdsType type, String... names) {
    send(DiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl())
        .addAllResourceNames(List.of(names)).build());
  }

  static DiscoveryRequest ackOf(DiscoveryResponse r, String... names) {
    return DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setVersionInfo(r.getVersionInfo())
        .setResponseNonce(r.getNonce()).addAllResourceNames(List.of(names)).build();
  }

  /** A NACK: version_info stays at the last accepted version, as Envoy does. */
  static DiscoveryRequest nackOf(DiscoveryResponse r, String lastAccepted, String message,
      String... names) {
    return DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setVersionInfo(lastAccepted)
        .setResponseNonce(r.getNonce()).addAllResourceNames(List.of(names))
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)).build();
  }

  void ack(DiscoveryResponse r, String... names) {
    send(ackOf(r, names));
  }

  void nack(DiscoveryResponse r, String lastAccepted, String message, String... names) {
    send(nackOf(r, lastAccepted, message, names));
  }

  /** From now on answer every response at once, from the gRPC thread, as a real client would. */
  void autoReply(Function<DiscoveryResponse, DiscoveryRequest> reply) {
    this.autoReply = reply;
  }

  DiscoveryResponse next(XdsType type) throws InterruptedException {
    DiscoveryResponse r = responses.poll(10, TimeUnit.SECONDS);
    assertThat(r).as("a %s response", type).isNotNull();
    assertThat(r.getTypeUrl()).isEqualTo(type.typeUrl());
    return r;
  }

  /** Waits out {@code quiet} and asserts that nothing arrived meanwhile. */
  void expectNothingFor(Duration quiet) throws InterruptedException {
    DiscoveryResponse r = responses.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(r).as("no response expected").isNull();
  }

  private boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    requests.onCompleted();
    channel.shutdownNow();
  }
}
