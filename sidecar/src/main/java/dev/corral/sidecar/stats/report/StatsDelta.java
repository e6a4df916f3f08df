package dev.corral.sidecar.stats.report;

import com.google.protobuf.ByteString;
import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsReport;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Deltas not yet acknowledged by the control plane, per service: what one report carries. Not
 * thread-safe: owned by the reporter's thread.
 */
final class StatsDelta {
  private final Map<ServiceKey, Entry> entries = new LinkedHashMap<>();
  private long startMillis = Long.MAX_VALUE;
  private long endMillis = Long.MIN_VALUE;

  /** Extends the covered interval to include [start, end). */
  void cover(long start, long end) {
    startMillis = Math.min(startMillis, start);
    endMillis = Math.max(endMillis, end);
  }

  void add(ServiceKey service, long[] counts, Histogram latency) {
    Entry entry = entries.computeIfAbsent(service, key -> new Entry());
    for (int i = 0; i < counts.length; i++) {
      entry.counts[i] += counts[i];
    }
    if (latency.getTotalCount() > 0) {
      entry.latency.add(latency);
    }
  }

  /** Adds everything {@code other} holds, which stays unchanged. */
  void merge(StatsDelta other) {
    other.entries.forEach((service, entry) -> add(service, entry.counts, entry.latency));
    if (other.startMillis <= other.endMillis) {
      cover(other.startMillis, other.endMillis);
    }
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  long startMillis() {
    return startMillis;
  }

  long endMillis() {
    return endMillis;
  }

  long count(ServiceKey service, Count count) {
    Entry entry = entries.get(service);
    return entry == null ? 0 : entry.counts[count.ordinal()];
  }

  StatsReport toReport(String nodeId, String sourceService, long sequence) {
    StatsReport.Builder report = StatsReport.newBuilder()
        .setNodeId(nodeId)
        .setSourceService(sourceService)
        .setSequence(sequence)
        .setIntervalStartUnixMs(startMillis <= endMillis ? startMillis : 0)
        .setIntervalEndUnixMs(startMillis <= endMillis ? endMillis : 0);
    entries.forEach((service, entry) -> report.addServices(entry.toProto(service)));
    return report.build();
  }

  private static final class Entry {
    final long[] counts = new long[Count.ALL.length];
    final Histogram latency = new Histogram(1, ServiceStatsRecorder.HIGHEST_LATENCY_MICROS,
        ServiceStatsRecorder.SIGNIFICANT_DIGITS);

    ServiceStats toProto(ServiceKey service) {
      ServiceStats.Builder stats = ServiceStats.newBuilder()
          .setService(service.service())
          .setDirection(service.direction().wireName())
          .setRequests(counts[Count.REQUESTS.ordinal()])
          .setResponses2Xx(counts[Count.RESPONSES_2XX.ordinal()])
          .setResponses3Xx(counts[Count.RESPONSES_3XX.ordinal()])
          .setResponses4Xx(counts[Count.RESPONSES_4XX.ordinal()])
          .setResponses5Xx(counts[Count.RESPONSES_5XX.ordinal()])
          .setRetries(counts[Count.RETRIES.ordinal()])
          .setCacheHits(counts[Count.CACHE_HITS.ordinal()])
          .setCacheMisses(counts[Count.CACHE_MISSES.ordinal()])
          .setCollapsedFollowers(counts[Count.COLLAPSED_FOLLOWERS.ordinal()])
          .setCollapsedLeaders(counts[Count.COLLAPSED_LEADERS.ordinal()])
          .setEjections(counts[Count.EJECTIONS.ordinal()]);
      if (latency.getTotalCount() > 0) {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        latency.encodeIntoCompressedByteBuffer(buffer);
        buffer.flip();
        stats.setLatencyHistogram(ByteString.copyFrom(buffer));
      }
      return stats.build();
    }
  }
}
