package dev.corral.sidecar.stats.report;

import static java.util.Objects.requireNonNull;

import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import dev.corral.sidecar.retry.Backoff;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the {@link ServiceStatsRecorder}'s deltas to the control plane's {@code StatsService},
 * one report per interval. Reports stay pending until acknowledged; when the stream breaks, they
 * are folded back and sent, with whatever was counted meanwhile, once a new stream is up (after a
 * back-off). All state is confined to one single-threaded executor; gRPC callbacks hop onto it.
 */
public final class StatsReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatsReporter.class);
  /** Unacknowledged reports on one stream beyond which the stream is presumed dead. */
  static final int MAX_UNACKED = 6;
  public static final Backoff DEFAULT_RECONNECT = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final StatsServiceGrpc.StatsServiceStub stub;
  private final @Nullable ManagedChannel ownedChannel;
  private final ServiceStatsRecorder recorder;
  private final String nodeId;
  private final String sourceService;
  private final Duration interval;
  private final Backoff reconnect;
  private final ScheduledExecutorService executor;
  private final LongSupplier clockMillis;
  private final SplittableRandom random = new SplittableRandom();

  // ---- confined to executor ----
  /** Drained but not yet sent. */
  private StatsDelta pending = new StatsDelta();
  /** Sent on the current stream, not yet acknowledged, by sequence. */
  private final TreeMap<Long, StatsDelta> unacked = new TreeMap<>();
  private @Nullable ClientCallStreamObserver<StatsReport> stream;
  private long streamGeneration;
  private long sequence;
  private int failures;
  private long nextConnectMillis;
  private long lastDrainMillis;
  private long reportsAcked;
  private @Nullable ScheduledFuture<?> ticks;
  private boolean closed;

  private StatsReporter(Channel channel, @Nullable ManagedChannel ownedChannel, ServiceStatsRecorder recorder,
      String nodeId, String sourceService, Duration interval, Backoff reconnect, ScheduledExecutorService executor,
      LongSupplier clockMillis) {
    this.stub = StatsServiceGrpc.newStub(requireNonNull(channel, "channel"));
    this.ownedChannel = ownedChannel;
    this.recorder = requireNonNull(recorder, "recorder");
    this.nodeId = requireNonNull(nodeId, "nodeId");
    this.sourceService = requireNonNull(sourceService, "sourceService");
    this.interval = requireNonNull(interval, "interval");
    this.reconnect = requireNonNull(reconnect, "reconnect");
    this.executor = requireNonNull(executor, "executor");
    this.clockMillis = requireNonNull(clockMillis, "clockMillis");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.lastDrainMillis = clockMillis.getAsLong();
  }

  /**
   * A reporter on {@code channel}, which the caller owns. {@code executor} must run one task at a
   * time (an event loop, or a single-threaded scheduler). {@code sourceService} is the service of
   * this sidecar's pod (the bootstrap's {@code node.cluster}; may be empty): the caller of every
   * outbound entry it reports.
   */
  public static StatsReporter create(Channel channel, ServiceStatsRecorder recorder, String nodeId,
      String sourceService, Duration interval, Backoff reconnect, ScheduledExecutorService executor,
      LongSupplier clockMillis) {
    return new StatsReporter(channel, null, recorder, nodeId, sourceService, interval, reconnect, executor,
        clockMillis);
  }

  /**
   * A reporter with its own plaintext channel to {@code config.address()}, whose I/O runs on
   * {@code group} (a channel of {@code channelType}); ticks run on {@code executor}.
   */
  public static StatsReporter connect(StatsReporterConfig config, ServiceStatsRecorder recorder, String nodeId,
      String sourceService, EventLoopGroup group, Class<? extends io.netty.channel.Channel> channelType,
      ScheduledExecutorService executor) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(config.address())
        .usePlaintext()
        .eventLoopGroup(group)
        .channelType(channelType)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
    return new StatsReporter(channel, channel, recorder, nodeId, sourceService, config.interval(), DEFAULT_RECONNECT,
        executor,
        System::currentTimeMillis);
  }

  /** Reports every interval from now on. */
  public void start() {
    long millis = interval.toMillis();
    ticks = executor.scheduleAtFixedRate(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("stats report failed; will retry next interval", e);
    }
  }

  /** Drains the recorder and, if a stream is up (or may be opened now), sends what is pending. */
  void tick() {
    if (closed) {
      return;
    }
    long now = clockMillis.getAsLong();
    pending.cover(lastDrainMillis, now);
    lastDrainMillis = now;
    recorder.drainInto(pending);
    if (stream == null && now >= nextConnectMillis) {
      open();
    }
    ClientCallStreamObserver<StatsReport> current = stream;
    if (current == null) {
      return;
    }
    if (unacked.size() >= MAX_UNACKED) {
      streamFailed(streamGeneration, Status.DEADLINE_EXCEEDED.withDescription(
          unacked.size() + " reports unacknowledged").asRuntimeException());
      current.cancel("reports unacknowledged", null);
      return;
    }
    long seq = ++sequence;
    StatsDelta sent = pending;
    pending = new StatsDelta();
    unacked.put(seq, sent);
    current.onNext(sent.toReport(nodeId, sourceService, seq));
  }

  private void open() {
    long generation = ++streamGeneration;
    sequence = 0;
    stub.report(new ClientResponseObserver<StatsReport, StatsAck>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<StatsReport> requests) {
        stream = requests; // runs within stub.report, on the executor
      }

      @Override
      public void onNext(StatsAck ack) {
        onExecutor(() -> acked(generation, ack.getSequence()));
      }

      @Override
      public void onError(Throwable t) {
        onExecutor(() -> streamFailed(generation, t));
      }

      @Override
      public void onCompleted() {
        onExecutor(() -> streamFailed(generation, Status.UNAVAILABLE
            .withDescription("the control plane ended the stats stream").asRuntimeException()));
      }
    });
  }

  private void acked(long generation, long seq) {
    if (generation != streamGeneration || stream == null) {
      return;
    }
    Map<Long, StatsDelta> done = unacked.headMap(seq, true);
    reportsAcked += done.size();
    done.clear();
    failures = 0;
  }

  private void streamFailed(long generation, Throwable cause) {
    if (generation != streamGeneration || stream == null) {
      return;
    }
    stream = null;
    // Fold every unacknowledged report back: it goes out again with the next one.
    for (StatsDelta delta : unacked.values()) {
      pending.merge(delta);
    }
    unacked.clear();
    failures++;
    long delay = TimeUnit.NANOSECONDS.toMillis(reconnect.delayNanos(failures, random));
    nextConnectMillis = clockMillis.getAsLong() + delay;
    if (failures == 1) {
      log.warn("stats stream to the control plane failed ({}); reconnecting, deltas keep accumulating",
          Status.fromThrowable(cause));
    }
  }

  private void onExecutor(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Reports acknowledged so far (for tests and the admin page). Call on the executor. */
  long reportsAcked() {
    return reportsAcked;
  }

  /** Stops reporting; what was not acknowledged is dropped. Closes the channel if it made it. */
  @Override
  public void close() {
    if (ticks != null) {
      ticks.cancel(false);
    }
    Runnable stop = () -> {
      closed = true;
      ClientCallStreamObserver<StatsReport> current = stream;
      stream = null;
      if (current != null) {
        current.onCompleted();
      }
    };
    try {
      executor.submit(stop).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the executor is gone or stuck: the channel shutdown below cancels the stream
    }
    if (ownedChannel != null) {
      ownedChannel.shutdown();
      try {
        if (!ownedChannel.awaitTermination(2, TimeUnit.SECONDS)) {
          ownedChannel.shutdownNow();
        }
      } catch (InterruptedException e) {
        ownedChannel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
