package dev.corral.controlplane.stats;

import com.google.protobuf.ByteString;
import dev.corral.api.proto.ServiceStats;
import dev.corral.api.proto.StatsAck;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Builds what a sidecar would report, and collects what the control plane answers. */
public final class Reports {
  private Reports() {
  }

  /** {@code count} requests of {@code micros} each, all 2xx. */
  public static ServiceStats.Builder service(String name, long count, long micros) {
    return ServiceStats.newBuilder().setService(name).setDirection("outbound")
        .setRequests(count).setResponses2Xx(count).setLatencyHistogram(latency(count, micros));
  }

  /** The encoded histogram of {@code count} requests of {@code micros} each. */
  public static ByteString latency(long count, long micros) {
    Histogram latency = new Histogram(1, 60_000_000, 2);
    latency.recordValueWithCount(micros, count);
    return encode(latency);
  }

  /** A stats stream's response observer that adds every ACK to {@code acks}. */
  public static StreamObserver<StatsAck> collect(List<StatsAck> acks) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StatsAck ack) {
        acks.add(ack);
      }

      @Override
      public void onError(Throwable t) {
      }

      @Override
      public void onCompleted() {
      }
    };
  }

  static ByteString encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    histogram.encodeIntoCompressedByteBuffer(buffer);
    buffer.flip();
    return ByteString.copyFrom(buffer);
  }
}
