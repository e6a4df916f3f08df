package dev.corral.controlplane.xds;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A cap, shared by every ADS stream, on the bytes of responses handed to gRPC and not yet
 * written to the socket: those bytes sit in Netty's direct buffers, and direct memory is capped
 * (at {@code -Xmx} unless {@code -XX:MaxDirectMemorySize} says otherwise). Per-stream flow
 * control alone lets each stream hold one response in flight: 1,000 sidecars each being sent a
 * 451 KB route table is 451 MB, which exhausted a 256 MB control plane
 * (docs/control-plane-xds.md, "Under overload").
 *
 * <p>A stream takes a response's size before sending it and gives it back when gRPC says the
 * stream is ready again (its bytes are written) or when it closes. A send waits while the cap
 * is reached; one response larger than the cap still goes when nothing else is in flight.
 * Waiting happens on the send pool, whose threads are few, so few wait at once.
 */
final class SendBudget {
  private final long capacity;
  private long inFlight; // guarded by this

  SendBudget(long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: %s (expected: >= 1)".formatted(capacity));
    }
    this.capacity = capacity;
  }

  /** A quarter of the direct memory Netty may use. */
  static SendBudget ofDirectMemory() {
    return new SendBudget(Math.max(1, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 4));
  }

  long capacity() {
    return capacity;
  }

  synchronized long inFlight() {
    return inFlight;
  }

  /**
   * Takes {@code bytes}, waiting up to {@code timeout} for room.
   *
   * @return false if there was no room within {@code timeout}
   */
  synchronized boolean acquire(long bytes, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0 && inFlight + bytes > capacity) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    inFlight += bytes;
    return true;
  }

  synchronized void release(long bytes) {
    if (bytes > 0) {
      inFlight -= bytes;
      notifyAll();
    }
  }
}
