package dev.corral.controlplane.stats;

import com.google.protobuf.ByteString;
import dev.corral.api.proto.ServiceStats;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/** Builds what a sidecar would report. */
final class Reports {
  private Reports() {
  }

  /** {@code count} requests of {@code micros} each, all 2xx. */
  static ServiceStats.Builder service(String name, long count, long micros) {
    Histogram latency = new Histogram(1, 60_000_000, 2);
    latency.recordValueWithCount(micros, count);
    return ServiceStats.newBuilder().setService(name).setDirection("outbound")
        .setRequests(count).setResponses2Xx(count).setLatencyHistogram(encode(latency));
  }

  static ByteString encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    histogram.encodeIntoCompressedByteBuffer(buffer);
    buffer.flip();
    return ByteString.copyFrom(buffer);
  }
}
