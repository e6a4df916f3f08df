package dev.corral.bench.ads;

import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsType;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@link ControlPlane} (the assembly {@code corral control-plane} runs) in this JVM on
 * 127.0.0.1, fed by a {@link MemorySource}: a push is what a Kubernetes watch event or a file
 * change becomes. {@link ControlPlaneProcess} runs one of these in its own JVM.
 */
final class LocalPlane implements Plane {
  private static final long PUBLISH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final SyntheticMesh mesh;
  private final MemorySource source;
  private final ControlPlane cp;

  private LocalPlane(SyntheticMesh mesh, MemorySource source, ControlPlane cp) {
    this.mesh = mesh;
    this.source = source;
    this.cp = cp;
  }

  /** Starts the control plane on model revision 0 of {@code mesh}; {@code xdsPort} 0 picks a free port. */
  static LocalPlane start(SyntheticMesh mesh, int xdsPort) throws InterruptedException {
    MemorySource source = new MemorySource(mesh.model(0));
    ControlPlane cp = ControlPlane.builder(source).address("127.0.0.1").xdsPort(xdsPort).httpPort(0)
        .build().start();
    return new LocalPlane(mesh, source, cp);
  }

  @Override
  public int xdsPort() {
    return cp.xdsPort();
  }

  @Override
  public Map<String, Map<XdsType, String>> versions() {
    SnapshotPublisher publisher = cp.publisher();
    Map<String, Map<XdsType, String>> out = new TreeMap<>();
    for (String group : publisher.knownGroups()) {
      publisher.versions(group).ifPresent(v -> out.put(group, v.versions()));
    }
    return out;
  }

  @Override
  public Pushed push(int revision) {
    Map<String, Map<XdsType, String>> before = versions();
    var threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long cpu0 = threads.getCurrentThreadCpuTime();
    source.push(mesh.model(revision));
    long pushCpu = threads.getCurrentThreadCpuTime() - cpu0;
    // Polling a map per group every millisecond: microseconds of CPU, not the control plane's work.
    while (true) {
      Map<String, Map<XdsType, String>> now = versions();
      boolean all = !cp.publisher().pending();
      for (var e : before.entrySet()) {
        all &= now.containsKey(e.getKey()) && !now.get(e.getKey()).equals(e.getValue());
      }
      if (all) {
        return new Pushed(start, System.nanoTime(), pushCpu, now);
      }
      if (System.nanoTime() - start > PUBLISH_TIMEOUT_NANOS) {
        throw new IllegalStateException("revision " + revision + " not published to every group within 60 s");
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Override
  public long heapAfterGc() {
    return usedAfterGc();
  }

  @Override
  public Check check() {
    AckTracker tracker = cp.tracker();
    var status = tracker.status();
    long behind = status.stream().flatMap(s -> s.types().values().stream())
        .filter(t -> !t.sentVersion().equals(t.ackedVersion()) || t.lastNack() != null).count();
    return new Check(status.size(), behind);
  }

  @Override
  public long jitMillis() {
    return jitMillisOfThisJvm();
  }

  static long jitMillisOfThisJvm() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  @Override
  public Map<String, Gc> gc() {
    return gcOfThisJvm();
  }

  @Override
  public void close() {
    cp.close();
  }

  static Map<String, Gc> gcOfThisJvm() {
    Map<String, Gc> out = new HashMap<>();
    for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
      out.put(b.getName(), new Gc(b.getCollectionCount(), b.getCollectionTime()));
    }
    return out;
  }

  /** Heap in use after a few full collections: what a structure retains, as a difference of two calls. */
  static long usedAfterGc() {
    var mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
