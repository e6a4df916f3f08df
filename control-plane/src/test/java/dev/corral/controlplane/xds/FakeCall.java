package dev.corral.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC server call's response side without a network: records what is sent and on which thread,
 * is ready or not as a test says, can throw from {@code onNext}, and like grpc-java refuses to be
 * closed twice.
 */
final class FakeCall extends ServerCallStreamObserver<DiscoveryResponse> {
  final List<DiscoveryResponse> sent = new CopyOnWriteArrayList<>();
  final List<String> sendThreads = new CopyOnWriteArrayList<>();
  final AtomicInteger readyChecks = new AtomicInteger();
  volatile boolean ready = true;
  /** After each message sent, the call stops being ready (a message above gRPC's threshold). */
  volatile boolean notReadyAfterEachSend;
  volatile @Nullable Error throwOnNext;
  volatile @Nullable Throwable error;
  volatile boolean completed;
  private volatile @Nullable Runnable onReady;
  private volatile @Nullable Runnable onCancel;

  /** The call becomes ready: gRPC runs the ready handler. */
  void becomeReady() {
    ready = true;
    Runnable r = onReady;
    if (r != null) {
      r.run();
    }
  }

  void cancel() {
    Runnable r = onCancel;
    if (r != null) {
      r.run();
    }
  }

  @Override
  public void onNext(DiscoveryResponse value) {
    if (error != null || completed) {
      throw new IllegalStateException("call already closed");
    }
    Error e = throwOnNext;
    if (e != null) {
      throw e;
    }
    sent.add(value);
    sendThreads.add(Thread.currentThread().getName());
    if (notReadyAfterEachSend) {
      ready = false;
    }
  }

  @Override
  public void onError(Throwable t) {
    if (error != null || completed) {
      throw new IllegalStateException("call already closed");
    }
    error = t;
  }

  @Override
  public void onCompleted() {
    if (error != null || completed) {
      throw new IllegalStateException("call already closed");
    }
    completed = true;
  }

  @Override
  public boolean isReady() {
    readyChecks.incrementAndGet();
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    this.onReady = onReadyHandler;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    this.onCancel = onCancelHandler;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
