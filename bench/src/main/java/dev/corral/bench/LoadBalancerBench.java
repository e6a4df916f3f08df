package dev.corral.bench;

import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.LoadBalancer;
import dev.corral.sidecar.cluster.PickContext;
import dev.corral.sidecar.cluster.lb.LoadBalancers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@link LoadBalancer#pick} per algorithm, as one event loop sees it: run with {@code
 * java -jar bench/target/corral-benchmarks.jar LoadBalancerBench -prof gc} to check picks allocate
 * nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LoadBalancerBench {
  @Param({"3", "100"})
  int hostCount;

  /** Equal weights take the fast paths (cursor, power of two choices); weighted ones use EDF. */
  @Param({"equal", "weighted"})
  String weights;

  private LoadBalancer roundRobin;
  private LoadBalancer leastRequest;
  private LoadBalancer ringHash;
  private LoadBalancer maglev;
  private LoadBalancer peakEwma;
  private final SplittableRandom keys = new SplittableRandom(42);
  private final PickContext[] contexts = new PickContext[1024];
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      int weight = weights.equals("equal") ? 1 : 1 + i % 4;
      Host host = new Host(new InetSocketAddress("10.1." + i / 250 + "." + (i % 250 + 1), 8080), weight, "");
      host.latency().observe(1_000_000 + random.nextLong(9_000_000), System.nanoTime());
      for (int r = random.nextInt(4); r > 0; r--) {
        host.requestStarted();
      }
      hosts.add(host);
    }
    roundRobin = LoadBalancers.roundRobin(random).create(hosts);
    leastRequest = LoadBalancers.leastRequest(2, random).create(hosts);
    ringHash = LoadBalancers.ringHash(1024, 8 * 1024 * 1024, random).create(hosts);
    maglev = LoadBalancers.maglev(65_537, random).create(hosts);
    peakEwma = LoadBalancers.peakEwma(random, System::nanoTime).create(hosts);
    // Precomputed so the benchmark measures the lookup, not PickContext allocation.
    for (int i = 0; i < contexts.length; i++) {
      contexts[i] = PickContext.ofHash(keys.nextLong());
    }
  }

  private PickContext nextHash() {
    return contexts[next++ & (contexts.length - 1)];
  }

  @Benchmark
  public Host roundRobin() {
    return roundRobin.pick(PickContext.none());
  }

  @Benchmark
  public Host leastRequest() {
    return leastRequest.pick(PickContext.none());
  }

  @Benchmark
  public Host ringHash() {
    return ringHash.pick(nextHash());
  }

  @Benchmark
  public Host maglev() {
    return maglev.pick(nextHash());
  }

  @Benchmark
  public Host peakEwma() {
    return peakEwma.pick(PickContext.none());
  }
}
