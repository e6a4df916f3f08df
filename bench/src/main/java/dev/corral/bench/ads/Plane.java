package dev.corral.bench.ads;

import dev.corral.controlplane.xds.XdsType;
import java.util.Map;

/**
 * The control plane under test as the harness drives it: in this JVM ({@link LocalPlane}, the
 * benchmark's old shape) or in its own JVM ({@link ChildPlane}, as deployed).
 */
interface Plane extends AutoCloseable {

  /** Per node group, the versions it is served now. */
  Map<String, Map<XdsType, String>> versions();

  /**
   * Hands model {@code revision} of the synthetic mesh to the control plane and returns once every
   * connected group serves new versions.
   */
  Pushed push(int revision);

  /** The ADS port the clients connect to. */
  int xdsPort();

  /** Used heap after full GCs in the control plane's JVM. */
  long heapAfterGc();

  /** The control plane's own view of its streams at the end: every type ACKed, no NACK. */
  Check check();

  /** Milliseconds the control plane JVM's JIT compilers have spent so far. */
  long jitMillis();

  /** Garbage collections so far in the control plane's JVM, per collector. */
  Map<String, Gc> gc();

  @Override
  void close();

  /**
   * One push: when it started and when every group's new snapshot was in the cache (both {@link
   * System#nanoTime()}, which is CLOCK_MONOTONIC on Linux and so comparable between processes), the
   * pushing thread's CPU for the push itself (translation, checks, queueing), and the new versions.
   */
  record Pushed(long startNanos, long publishedNanos, long pushCpuNanos,
      Map<String, Map<XdsType, String>> versions) {
    public Pushed {
      versions = Map.copyOf(versions);
    }
  }

  /** ADS streams the control plane tracks, and type states on them not ACKed at the sent version or NACKed. */
  record Check(int streams, long behind) {}

  /** A collector's collection count and accumulated pause time (GarbageCollectorMXBean). */
  record Gc(long count, long millis) {
    Gc minus(Gc before) {
      return new Gc(count - before.count, millis - before.millis);
    }
  }
}
