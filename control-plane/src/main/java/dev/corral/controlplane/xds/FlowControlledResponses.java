package dev.corral.controlplane.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The response side of one ADS stream, between java-control-plane and gRPC: it honours gRPC flow
 * control and never loses a response silently.
 *
 * <p><b>Back-pressure.</b> While the call is not ready ({@link #isReady()}: more than gRPC's
 * threshold of this stream's bytes not yet written to the socket), a response is not serialized
 * but kept, one per type URL: in state-of-the-world xDS a newer response of a type supersedes an
 * unsent older one. It takes the older one's place, so types still go out in the order the
 * client was first owed them. The pending ones are sent, in that order, when gRPC says the call
 * is ready again. Without this, a connect storm queued every stream's responses (~1 MB per
 * sidecar) in Netty's direct buffers at once.
 *
 * <p><b>Nonces.</b> java-control-plane records a response as the type's latest (the nonce an
 * ACK must carry) before it hands it here; a superseded response's nonce is therefore never the
 * latest, and a client ACKing an older, received nonce is ignored by it as stale, as while any
 * response is in flight. {@code onSent} (the {@link AckTracker} and the push metrics) is told
 * only of responses actually handed to gRPC.
 *
 * <p><b>Failure.</b> If handing a response to gRPC throws (serialization, or direct memory for
 * its buffers), the call is closed with {@code UNAVAILABLE} and {@code onFailed} is told (once;
 * later responses are dropped, the stream is closing), and the calling thread carries on: the
 * client reconnects and gets the whole state again, where a lost response would leave it waiting
 * forever.
 *
 * <p>Thread-safety: java-control-plane calls {@link #onNext}, {@link #onError} and
 * {@link #onCompleted} on the stream's send executor inside {@code synchronized} on this object;
 * the ready handler runs on gRPC's executor. Both send under this object's monitor.
 */
final class FlowControlledResponses extends ServerCallStreamObserver<DiscoveryResponse> {
  private final ServerCallStreamObserver<DiscoveryResponse> call;
  private final Consumer<DiscoveryResponse> onSent;
  private final Consumer<DiscoveryResponse> onSuperseded;
  private final SendFailure onFailed;
  private final Runnable onClosed;
  /** Latest unsent response per type URL, in the order the types became pending. Guarded by this. */
  private final Map<String, DiscoveryResponse> pending = new LinkedHashMap<>();
  private boolean failed; // guarded by this
  private boolean callClosed; // guarded by this
  private final SendBudget budget;
  private final Duration budgetWait;
  /** Bytes of the last response sent, taken from the budget until the call is ready again. */
  private final AtomicLong held = new AtomicLong();
  private volatile boolean cancelled;
  private volatile @Nullable Executor sendExecutor;
  private volatile @Nullable Runnable delegateOnReady;

  /** What to do when a response cannot be sent: fail the stream. */
  @FunctionalInterface
  interface SendFailure {
    /** @param response the response that could not be sent, or null if it failed before one existed */
    void failed(@Nullable DiscoveryResponse response, Throwable cause);
  }

  FlowControlledResponses(ServerCallStreamObserver<DiscoveryResponse> call,
      Consumer<DiscoveryResponse> onSent, Consumer<DiscoveryResponse> onSuperseded,
      SendFailure onFailed, Runnable onClosed, SendBudget budget, Duration budgetWait) {
    this.budget = budget;
    this.budgetWait = budgetWait;
    this.call = call;
    this.onSent = onSent;
    this.onSuperseded = onSuperseded;
    this.onFailed = onFailed;
    this.onClosed = onClosed;
    call.setOnReadyHandler(this::onReady);
  }

  /**
   * Sends pending responses on {@code executor} (the stream's sequential send executor) when the
   * call becomes ready, so serialization stays on the bounded send pool; without one, inline.
   */
  void sendOn(Executor executor) {
    this.sendExecutor = executor;
  }

  @Override
  public void onNext(DiscoveryResponse response) {
    synchronized (this) {
      if (failed || callClosed || cancelled) {
        return;
      }
      DiscoveryResponse older = pending.put(response.getTypeUrl(), response);
      if (older != null) {
        onSuperseded.accept(older);
      }
      drain();
    }
  }

  /**
   * Fails the stream because a response (or the work to make one) threw: closes the call with
   * {@code UNAVAILABLE}, then tells {@code onFailed}; at most once. Never throws: the send
   * thread must survive.
   */
  void fail(@Nullable DiscoveryResponse response, Throwable cause) {
    synchronized (this) {
      if (failed) {
        return;
      }
      failed = true;
      pending.clear();
      releaseHeld();
      if (!callClosed) {
        callClosed = true;
        String type = response == null ? "" : XdsType.label(response.getTypeUrl()) + " ";
        try {
          call.onError(Status.UNAVAILABLE
              .withDescription("the control plane could not send a " + type + "response ("
                  + cause + "); reconnect to get the whole state again")
              .withCause(cause)
              .asRuntimeException());
        } catch (Throwable t) {
          cause.addSuppressed(t); // e.g. the call was cancelled meanwhile
        }
      }
    }
    try {
      onFailed.failed(response, cause);
    } catch (Throwable t) {
      cause.addSuppressed(t);
    }
  }

  /** Whether {@link #fail} closed this stream. */
  synchronized boolean failed() {
    return failed;
  }

  /** On gRPC's executor; never takes this object's monitor (a send may be waiting for budget). */
  private void onReady() {
    if (call.isReady()) {
      releaseHeld();
    }
    Executor executor = sendExecutor;
    if (executor == null) {
      drainNow();
    } else {
      try {
        executor.execute(this::drainNow);
      } catch (RejectedExecutionException e) {
        // the server is shutting down
      }
    }
    Runnable delegate = delegateOnReady;
    if (delegate != null) {
      delegate.run();
    }
  }

  private synchronized void drainNow() {
    if (!failed && !callClosed && !cancelled) {
      drain();
    }
  }

  /** Sends pending responses, oldest type first, while the call is ready. Holds this. */
  private void drain() {
    Iterator<DiscoveryResponse> it = pending.values().iterator();
    while (it.hasNext() && call.isReady()) {
      releaseHeld(); // ready: the previous response's bytes are written
      DiscoveryResponse next = it.next();
      it.remove();
      long size;
      try {
        size = next.getSerializedSize();
        if (!budget.acquire(size, budgetWait)) {
          fail(next, new IllegalStateException("overloaded: no room to send within "
              + budgetWait.toSeconds() + " s (" + budget.inFlight() + " of " + budget.capacity()
              + " bytes being written to other sidecars)"));
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // shutting down
        return;
      }
      held.addAndGet(size);
      // Recorded before sending: the client's ACK may arrive before call.onNext returns.
      onSent.accept(next);
      try {
        call.onNext(next);
      } catch (Throwable t) {
        if (cancelled || Status.fromThrowable(t).getCode() == Status.Code.CANCELLED) {
          closeCall(); // the client went away: nothing to fail
        } else {
          fail(next, t);
        }
        return;
      }
      if (cancelled || call.isReady()) {
        releaseHeld(); // written at once (small), or never will be (cancelled)
      }
    }
  }

  private void releaseHeld() {
    budget.release(held.getAndSet(0));
  }

  /** Responses waiting for the call to become ready (tests, diagnostics). */
  synchronized int pendingCount() {
    return pending.size();
  }

  @Override
  public void onError(Throwable t) {
    if (closeCall()) {
      call.onError(t);
    }
    onClosed.run();
  }

  @Override
  public void onCompleted() {
    if (closeCall()) {
      call.onCompleted();
    }
    onClosed.run();
  }

  /** True if the call is still to be closed (once: a failed stream's call is closed already). */
  private synchronized boolean closeCall() {
    pending.clear();
    releaseHeld();
    boolean open = !callClosed;
    callClosed = true;
    return open;
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    call.setOnCancelHandler(() -> {
      cancelled = true;
      releaseHeld();
      onClosed.run();
      onCancelHandler.run();
    });
  }

  @Override
  public void setCompression(String compression) {
    call.setCompression(compression);
  }

  /** Ready for java-control-plane only when nothing of ours waits either. */
  @Override
  public boolean isReady() {
    synchronized (this) {
      return pending.isEmpty() && call.isReady();
    }
  }

  /** Composed with ours (gRPC keeps one handler per call): ours first, then this one. */
  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    this.delegateOnReady = onReadyHandler;
  }

  @Override
  public void disableAutoInboundFlowControl() {
    call.disableAutoInboundFlowControl();
  }

  @Override
  public void request(int count) {
    call.request(count);
  }

  @Override
  public void setMessageCompression(boolean enable) {
    call.setMessageCompression(enable);
  }
}
