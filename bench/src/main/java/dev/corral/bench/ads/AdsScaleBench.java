package dev.corral.bench.ads;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.translate.LocalSidecars;
import dev.corral.controlplane.translate.NodeContext;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.translate.TranslationMemo;
import dev.corral.controlplane.translate.Translator;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.controlplane.xds.XdsType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The ADS scale benchmark of issue 5 (run it with {@code bench/ads-scale.sh}; options with {@code
 * --help}). Part 1 times a full translation of the synthetic mesh (default 1,000 Services × 10
 * endpoints) for one node group and for every group, and weighs the heap it retains. Part 2 starts
 * a real control plane on loopback, by default in its own JVM with the production JVM flags
 * ({@link ControlPlaneProcess}; {@code --in-process}: in this one, as before 2026-11-22 07:00 UTC),
 * connects N {@link SimClient}s (real gRPC, each on its own connection, all on one 2-thread event
 * loop in this JVM), then changes one policy several times and records, per client, the time from
 * the model change to the client's ACK of every type that changed for its group.
 */
public final class AdsScaleBench {
  private int clients = 1000;
  private int groups = 100;
  private int services = 1000;
  private int endpoints = 10;
  private int namespaces = 50;
  private int changes = 10;
  /**
   * Unmeasured changes first: the push path's JIT warm-up (a control plane runs for days). Much of
   * the push code runs once per group or stream and change, so C2 reaches it only after tens of
   * changes; with 3 warm-up changes, C2 compiling took ~500 ms of the control plane's CPU per
   * measured change, still ~300 ms after 30 (reported per run).
   */
  private int warmupChanges = 20;
  private int warmup = 30;
  private int iterations = 50;
  private String only = "translate,ads";
  /** The control plane in this JVM (the old shape) instead of its own process. */
  private boolean inProcess;
  /** The control plane process's JVM flags: the production file first, then any extra. */
  private String cpJvmOptions = "control-plane/jvm.options";
  private final List<String> cpJvmArgs = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    AdsScaleBench b = new AdsScaleBench();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("""
            AdsScaleBench [--clients N] [--groups N] [--services N] [--endpoints N] [--namespaces N]
                          [--changes N] [--warmup-changes N] [--warmup N] [--iterations N]
                          [--only translate,ads] [--in-process]
                          [--cp-jvm-options FILE] [--cp-jvm-arg ARG]...""");
        return;
      }
      if (a.equals("--in-process")) {
        b.inProcess = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": missing value");
      }
      String v = args[++i];
      switch (a) {
        case "--clients" -> b.clients = Integer.parseInt(v);
        case "--groups" -> b.groups = Integer.parseInt(v);
        case "--services" -> b.services = Integer.parseInt(v);
        case "--endpoints" -> b.endpoints = Integer.parseInt(v);
        case "--namespaces" -> b.namespaces = Integer.parseInt(v);
        case "--changes" -> b.changes = Integer.parseInt(v);
        case "--warmup-changes" -> b.warmupChanges = Integer.parseInt(v);
        case "--warmup" -> b.warmup = Integer.parseInt(v);
        case "--iterations" -> b.iterations = Integer.parseInt(v);
        case "--only" -> b.only = v;
        case "--cp-jvm-options" -> b.cpJvmOptions = v;
        case "--cp-jvm-arg" -> b.cpJvmArgs.add(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (b.groups > b.services || b.groups > b.clients) {
      throw new IllegalArgumentException("--groups must be <= --services and <= --clients");
    }
    b.run();
  }

  private void run() throws Exception {
    SyntheticMesh mesh = new SyntheticMesh(services, endpoints, namespaces);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "# ADS scale: %d services x %d endpoints in %d namespaces; %d clients in %d groups%n",
        services, endpoints, namespaces, clients, groups);
    System.out.printf(Locale.ROOT, "JVM %s, %d CPUs, max heap %d MiB%n%n", Runtime.version(),
        rt.availableProcessors(), rt.maxMemory() >> 20);
    if (only.contains("translate")) {
      translation(mesh);
    }
    if (only.contains("ads")) {
      ads(mesh);
    }
  }

  // ---- part 1: translation ----

  private void translation(SyntheticMesh mesh) {
    long before = LocalPlane.usedAfterGc();
    MeshModel model = mesh.model(0);
    long modelBytes = LocalPlane.usedAfterGc() - before;

    NodeContext one = context(0, 0);
    Histogram single = new Histogram(3);
    Histogram singleCpu = new Histogram(3);
    var threadCpu = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < warmup + iterations; i++) {
      long c0 = threadCpu.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      XdsResources r = Translator.translate(model, one, PlacementFilters.none(), LocalSidecars.none());
      long us = (System.nanoTime() - t0) / 1000;
      long cpuUs = (threadCpu.getCurrentThreadCpuTime() - c0) / 1000;
      if (i >= warmup) {
        single.recordValue(us);
        singleCpu.recordValue(Math.max(1, cpuUs));
      }
      if (r.clusters().isEmpty()) {
        throw new IllegalStateException("nothing translated");
      }
    }
    // All groups, as the control plane translates them: one pass per group, sharing what does not
    // depend on the group (TranslationMemo). Cold: a fresh memo. Change: the previous model's memo
    // carried over and one policy changed, as on a policy edit.
    Histogram cold = new Histogram(3);
    Histogram change = new Histogram(3);
    int passes = Math.max(3, iterations / 10);
    TranslationMemo carried = new TranslationMemo();
    translateAll(model, carried);
    for (int i = 0; i < 2 + passes; i++) {
      TranslationMemo fresh = new TranslationMemo();
      long t0 = System.nanoTime();
      translateAll(model, fresh);
      long coldUs = (System.nanoTime() - t0) / 1000;
      MeshModel next = mesh.model(i + 1);
      carried.nextGeneration();
      t0 = System.nanoTime();
      translateAll(next, carried);
      long changeUs = (System.nanoTime() - t0) / 1000;
      if (i >= 2) {
        cold.recordValue(coldUs);
        change.recordValue(changeUs);
      }
    }
    carried = null;
    long baseAll = LocalPlane.usedAfterGc();
    TranslationMemo memo = new TranslationMemo();
    List<XdsResources> allGroups = translateAll(model, memo);
    long allBytes = LocalPlane.usedAfterGc() - baseAll;
    allGroups.size();
    long base = LocalPlane.usedAfterGc();
    XdsResources held = Translator.translate(model, one, PlacementFilters.none(), LocalSidecars.none());
    long snapshotBytes = LocalPlane.usedAfterGc() - base;
    long wire = wireBytes(held);

    System.out.println("## Translation (full rebuild)");
    System.out.printf(Locale.ROOT, "- one group, %d iterations after %d warm-up: p50 %.1f ms, p99 %.1f ms, max %.1f ms, mean %.1f ms%n",
        iterations, warmup, single.getValueAtPercentile(50) / 1e3, single.getValueAtPercentile(99) / 1e3,
        single.getMaxValue() / 1e3, single.getMean() / 1e3);
    System.out.printf(Locale.ROOT, "- the same, thread CPU time (what the wall clock shows when the CPU is not shared): p50 %.1f ms, p99 %.1f ms%n",
        singleCpu.getValueAtPercentile(50) / 1e3, singleCpu.getValueAtPercentile(99) / 1e3);
    System.out.printf(Locale.ROOT, "- all %d groups, shared pieces built once (cold memo), %d passes: p50 %.0f ms, max %.0f ms%n",
        groups, passes, cold.getValueAtPercentile(50) / 1e3, cold.getMaxValue() / 1e3);
    System.out.printf(Locale.ROOT, "- all %d groups after one policy changed (memo of the previous model): p50 %.0f ms, max %.0f ms%n",
        groups, change.getValueAtPercentile(50) / 1e3, change.getMaxValue() / 1e3);
    System.out.printf(Locale.ROOT, "- resources of one group: %d clusters, %d load assignments (%d endpoints), %d listeners, %d route tables; %.1f MiB serialized%n",
        held.clusters().size(), held.endpoints().size(),
        held.endpoints().stream().mapToInt(c -> c.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum()).sum(),
        held.listeners().size(), held.routes().size(), wire / 1048576.0);
    System.out.printf(Locale.ROOT, "- heap retained (after GC): model %.1f MiB, one group's resources %.1f MiB, all %d groups' resources (shared pieces) %.1f MiB%n%n",
        modelBytes / 1048576.0, snapshotBytes / 1048576.0, allGroups.size(), allBytes / 1048576.0);
    if (held.clusters().isEmpty()) {
      throw new IllegalStateException("nothing translated");
    }
  }

  private List<XdsResources> translateAll(MeshModel model, TranslationMemo memo) {
    List<XdsResources> out = new ArrayList<>(groups);
    for (int g = 0; g < groups; g++) {
      out.add(Translator.translate(model, context(g, 0), PlacementFilters.none(), LocalSidecars.none(), memo));
    }
    return out;
  }

  private NodeContext context(int group, int replica) {
    return NodeContext.of("svc-" + group + "-" + replica, mesh().namespaceOf(group), "svc-" + group);
  }

  private SyntheticMesh mesh() {
    return new SyntheticMesh(services, endpoints, namespaces);
  }

  private static long wireBytes(XdsResources r) {
    long n = 0;
    for (List<? extends Message> l : List.of(r.clusters(), r.endpoints(), r.listeners(), r.routes())) {
      for (Message m : l) {
        n += m.getSerializedSize();
      }
    }
    return n;
  }

  // ---- part 2: ADS ----

  private Plane startPlane(SyntheticMesh mesh) throws InterruptedException {
    if (inProcess) {
      return LocalPlane.start(mesh, 0);
    }
    List<String> flags = new ArrayList<>();
    flags.add("@" + Path.of(cpJvmOptions).toAbsolutePath());
    flags.addAll(cpJvmArgs);
    return ChildPlane.start(mesh, flags);
  }

  private void ads(SyntheticMesh mesh) throws Exception {
    long heapBefore = LocalPlane.usedAfterGc();
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    List<ManagedChannel> channels = new ArrayList<>(clients);
    List<SimClient> sims = new ArrayList<>(clients);
    AtomicInteger errors = new AtomicInteger();
    try (Plane plane = startPlane(mesh)) {
      long planeHeapBefore = inProcess ? heapBefore : plane.heapAfterGc();
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        int g = c % groups;
        int replica = c / groups;
        String pod = "svc-" + g + "-" + replica;
        String ns = mesh.namespaceOf(g);
        Node node = Node.newBuilder().setId(pod + "." + ns).setCluster("svc-" + g + "." + ns)
            .setMetadata(Struct.newBuilder().putFields(NodeContext.WORKLOAD_KEY,
                Value.newBuilder().setStringValue("svc-" + g).build()))
            .build();
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", plane.xdsPort()).usePlaintext()
            .eventLoopGroup(loop).channelType(NioSocketChannel.class).directExecutor()
            .maxInboundMessageSize(64 << 20).build();
        SimClient sim = new SimClient(node, ns + "/svc-" + g, errors);
        channels.add(ch);
        sims.add(sim);
        sim.start(ch);
      }
      Map<String, Map<XdsType, String>> initial = awaitConnected(sims, plane, 120);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(1000);
      long heapConnected = LocalPlane.usedAfterGc();
      long planeHeapConnected = inProcess ? heapConnected : plane.heapAfterGc();

      Map<String, Map<XdsType, String>> previous = initial;
      for (int w = 1; w <= warmupChanges; w++) {
        Plane.Pushed pushed = plane.push(w);
        awaitAllAcked(sims, pushed.versions(), 60);
        previous = pushed.versions();
        Thread.sleep(500);
      }
      int firstMeasured = warmupChanges;

      Histogram perClient = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
      Histogram published = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
      List<Double> maxPerChange = new ArrayList<>();
      // [control plane, simulated clients' event loop, clients' JVM process]
      long[] cpu = new long[3];
      long pushCpu = 0;
      Map<String, Long> cpuAtStart = cpuByThreadKind();
      Map<String, Plane.Gc> planeGc0 = plane.gc();
      long planeJit0 = plane.jitMillis();
      long clientJit0 = LocalPlane.jitMillisOfThisJvm();
      Map<String, Plane.Gc> clientGc0 = LocalPlane.gcOfThisJvm();
      long responsesAtStart = SimClient.RESPONSES.get();
      for (int n = 1; n <= changes; n++) {
        long[] cpuBefore = cpuNanos(plane);
        Plane.Pushed pushed = plane.push(firstMeasured + n);
        pushCpu += pushed.pushCpuNanos();
        long start = pushed.startNanos();
        Map<String, Map<XdsType, String>> next = pushed.versions();
        awaitAllAcked(sims, next, 60);
        long[] cpuAfter = cpuNanos(plane);
        published.recordValue((pushed.publishedNanos() - start) / 1000);
        long max = 0;
        for (SimClient s : sims) {
          long done = start;
          for (XdsType t : XdsType.values()) {
            if (!next.get(s.group).get(t).equals(previous.get(s.group).get(t))) {
              done = Math.max(done, s.ack(t.typeUrl()).atNanos());
            }
          }
          long us = (done - start) / 1000;
          if (us <= 0) {
            throw new IllegalStateException("an ACK before its push: the two JVMs' clocks differ");
          }
          perClient.recordValue(us);
          max = Math.max(max, us);
        }
        maxPerChange.add(max / 1e3);
        for (int i = 0; i < cpu.length; i++) {
          cpu[i] += cpuAfter[i] - cpuBefore[i];
        }
        previous = next;
        Thread.sleep(500);
      }
      if (inProcess) {
        cpu[0] += pushCpu; // in a child process, its CPU time already holds the push
      }
      String split = cpuSplit(cpuAtStart, cpuByThreadKind(), changes)
          + (inProcess ? String.format(Locale.ROOT, "; of main, the push itself %.0f", pushCpu / 1e6 / changes) : "");
      String planeGc = gcPerChange(planeGc0, plane.gc(), changes);
      double planeJit = (plane.jitMillis() - planeJit0) / (double) changes;
      double clientJit = (LocalPlane.jitMillisOfThisJvm() - clientJit0) / (double) changes;
      String clientGc = gcPerChange(clientGc0, LocalPlane.gcOfThisJvm(), changes);
      Plane.Check check = plane.check();

      System.out.println("## ADS: one policy changed -> every client ACKed");
      if (inProcess) {
        System.out.println("- mode: in-process (--in-process): the control plane and the simulated clients share this JVM");
      } else {
        System.out.printf(Locale.ROOT, "- mode: control plane in its own JVM (pid %d, flags %s), simulated clients in this one%n",
            ((ChildPlane) plane).pid(), String.join(" ", cpJvmFlagsShown()));
      }
      System.out.printf(Locale.ROOT, "- %d clients connected and ACKed all four types in %.1f s; control plane heap after GC %.0f MiB (%.0f MiB before clients)",
          clients, connectSeconds, planeHeapConnected / 1048576.0, planeHeapBefore / 1048576.0);
      System.out.printf(Locale.ROOT, inProcess ? " (one JVM: clients included)%n" : "; clients' JVM %.0f MiB%n",
          heapConnected / 1048576.0);
      System.out.printf(Locale.ROOT, "- changes: %d measured after %d unmeasured (JIT warm-up); types changed per change: %s%n",
          changes, warmupChanges, changedTypes(initial, previous));
      System.out.printf(Locale.ROOT, "- model change -> every group's snapshot in the cache: p50 %.0f ms, max %.0f ms (includes the 100 ms coalescing window); the push itself (translation of every group, checks, queueing; the pushing thread's CPU) %.0f ms per change%n",
          published.getValueAtPercentile(50) / 1e3, published.getMaxValue() / 1e3, pushCpu / 1e6 / changes);
      System.out.printf(Locale.ROOT, "- model change -> client ACKed (%d samples): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          perClient.getTotalCount(), perClient.getValueAtPercentile(50) / 1e3,
          perClient.getValueAtPercentile(99) / 1e3, perClient.getMaxValue() / 1e3);
      System.out.printf(Locale.ROOT, "- slowest client per change (ms): %s%n", maxPerChange.stream()
          .map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
      if (inProcess) {
        System.out.printf(Locale.ROOT, "- CPU per change (thread CPU time, change to last ACK; the pushing thread for its push only): control plane %.0f ms, simulated clients %.0f ms; whole JVM (process CPU, GC and JIT included) %.0f ms; load average at the end %.1f on %d CPUs%n",
            cpu[0] / 1e6 / changes, cpu[1] / 1e6 / changes, cpu[2] / 1e6 / changes, loadAverage(),
            Runtime.getRuntime().availableProcessors());
      } else {
        System.out.printf(Locale.ROOT, "- CPU per change (change to last ACK): control plane process %.0f ms (/proc utime+stime: every thread, GC and JIT included); simulated clients: event loop %.0f ms, their JVM process %.0f ms; load average at the end %.1f on %d CPUs%n",
            cpu[0] / 1e6 / changes, cpu[1] / 1e6 / changes, cpu[2] / 1e6 / changes, loadAverage(),
            Runtime.getRuntime().availableProcessors());
      }
      System.out.printf(Locale.ROOT, "- GC per change (collections, pause ms, per collector): %s %s%s%n",
          inProcess ? "the one JVM:" : "control plane JVM:", planeGc,
          inProcess ? "" : "; clients' JVM: " + clientGc);
      System.out.printf(Locale.ROOT, "- JIT compilation per change (ms, compiler threads): %s %.0f%s%n",
          inProcess ? "the one JVM" : "control plane JVM", planeJit,
          inProcess ? "" : String.format(Locale.ROOT, ", clients' JVM %.0f", clientJit));
      System.out.printf(Locale.ROOT, "- responses received per change: %.1f (one per client and changed type: %d)%n",
          (SimClient.RESPONSES.get() - responsesAtStart) / (double) changes,
          clients * changedTypeList(initial, previous).size());
      System.out.printf(Locale.ROOT, "- CPU per change by thread of %s (ms, incl. the 500 ms pauses between changes): %s%n",
          inProcess ? "the one JVM" : "the clients' JVM", split);
      System.out.printf(Locale.ROOT, "- tracker: %d streams; type states not ACKed or NACKed: %d; client stream errors: %d%n",
          check.streams(), check.behind(), errors.get());
      System.out.printf(Locale.ROOT, "- target p99 <= 1000 ms: %s%n",
          perClient.getValueAtPercentile(99) <= 1_000_000 ? "met" : "MISSED");
      if (errors.get() > 0 || check.behind() > 0) {
        throw new IllegalStateException("errors: " + errors.get() + ", unacked: " + check.behind());
      }
    } finally {
      for (SimClient s : sims) {
        s.close();
      }
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private List<String> cpJvmFlagsShown() {
    List<String> out = new ArrayList<>();
    out.add("@" + cpJvmOptions);
    out.addAll(cpJvmArgs);
    return out;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * CPU so far of [control plane, simulated clients' event loop, this JVM's process]. In-process
   * the control plane is its threads (not main: its pushes are counted per push, its polling is
   * the harness); in its own JVM, that process's CPU time.
   */
  private long[] cpuNanos(Plane plane) {
    long[] out = new long[3];
    cpuByThreadKind().forEach((kind, t) -> {
      if (kind.equals(CLIENT_THREADS)) {
        out[1] += t;
      } else if (inProcess && !kind.equals("main")) {
        out[0] += t;
      }
    });
    if (plane instanceof ChildPlane child) {
      out[0] = child.cpuNanos();
    }
    out[2] = ProcCpu.selfNanos();
    return out;
  }

  private static String gcPerChange(Map<String, Plane.Gc> before, Map<String, Plane.Gc> after, int changes) {
    return new TreeMap<>(after).entrySet().stream()
        .map(e -> {
          Plane.Gc d = e.getValue().minus(before.getOrDefault(e.getKey(), new Plane.Gc(0, 0)));
          return String.format(Locale.ROOT, "%s %.1f / %.0f ms", e.getKey(), d.count() / (double) changes,
              d.millis() / (double) changes);
        })
        .collect(java.util.stream.Collectors.joining(", "));
  }

  // The clients' shared event loop is the only MultiThreadIoEventLoopGroup; gRPC's server uses
  // grpc-default-* threads, the publisher corral-xds-publisher, the pushing thread is main.
  private static final String CLIENT_THREADS = "multiThreadIoEventLoopGroup-#-#";

  /** CPU time so far per kind of thread (the name with its numbers replaced by #). */
  private static Map<String, Long> cpuByThreadKind() {
    var threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = threads.getThreadCpuTime(info.getThreadId());
      if (t > 0) {
        out.merge(info.getThreadName().replaceAll("\\d+", "#"), t, Long::sum);
      }
    }
    return out;
  }

  private static String cpuSplit(Map<String, Long> before, Map<String, Long> after, int changes) {
    Map<String, Long> diff = new TreeMap<>();
    after.forEach((k, v) -> diff.put(k, v - before.getOrDefault(k, 0L)));
    return diff.entrySet().stream()
        .filter(e -> e.getValue() >= 5_000_000L * changes)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() / 1e6 / changes))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static String changedTypes(Map<String, Map<XdsType, String>> a, Map<String, Map<XdsType, String>> b) {
    return String.join(", ", changedTypeList(a, b));
  }

  private static List<String> changedTypeList(Map<String, Map<XdsType, String>> a, Map<String, Map<XdsType, String>> b) {
    String g = a.keySet().iterator().next();
    List<String> out = new ArrayList<>();
    for (XdsType t : XdsType.values()) {
      if (!a.get(g).get(t).equals(b.get(g).get(t))) {
        out.add(t.name());
      }
    }
    return out;
  }

  /** Waits until every client's group is served and every client has ACKed its group's versions. */
  private static Map<String, Map<XdsType, String>> awaitConnected(List<SimClient> sims, Plane plane, int timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      Map<String, Map<XdsType, String>> versions = plane.versions();
      if (sims.stream().allMatch(s -> versions.containsKey(s.group)) && missing(sims, versions).isEmpty()) {
        return versions;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every client connected and ACKed within " + timeoutSeconds + " s: "
            + missing(sims, versions));
      }
      Thread.sleep(200);
    }
  }

  /** Waits until every client has ACKed {@code versions} of its group (all four types). */
  private static void awaitAllAcked(List<SimClient> sims, Map<String, Map<XdsType, String>> versions,
      int timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int from = 0; // clients before this one have ACKed already
    while (true) {
      while (from < sims.size() && acked(sims.get(from), versions)) {
        from++;
      }
      if (from == sims.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every client ACKed within " + timeoutSeconds + " s: "
            + missing(sims, versions));
      }
      // ACK times are the clients' own stamps; polling only has to notice the end.
      Thread.sleep(10);
    }
  }

  private static boolean acked(SimClient s, Map<String, Map<XdsType, String>> versions) {
    Map<XdsType, String> v = versions.get(s.group);
    if (v == null) {
      return false;
    }
    for (XdsType t : XdsType.values()) {
      SimClient.Ack a = s.ack(t.typeUrl());
      if (a == null || !a.version().equals(v.get(t))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Integer> missing(List<SimClient> sims, Map<String, Map<XdsType, String>> versions) {
    Map<String, Integer> missing = new TreeMap<>();
    for (SimClient s : sims) {
      Map<XdsType, String> v = versions.get(s.group);
      for (XdsType t : XdsType.values()) {
        SimClient.Ack a = s.ack(t.typeUrl());
        if (v == null || a == null || !a.version().equals(v.get(t))) {
          missing.merge(v == null ? "unpublished" : t + (a == null ? " never" : " old"), 1, Integer::sum);
        }
      }
    }
    return missing;
  }
}
