package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

import dev.corral.api.proto.StatsAck;
import dev.corral.api.proto.StatsReport;
import dev.corral.api.proto.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC side of stats aggregation: each sidecar's stream of reports goes into the
 * {@link StatsAggregator}, and each report is acknowledged once added. Mount it on the ADS
 * server ({@code ServerBuilder.addService(new StatsServiceImpl(aggregator))}).
 */
public final class StatsServiceImpl extends StatsServiceGrpc.StatsServiceImplBase {
  private final StatsAggregator aggregator;

  public StatsServiceImpl(StatsAggregator aggregator) {
    this.aggregator = requireNonNull(aggregator, "aggregator");
  }

  @Override
  public StreamObserver<StatsReport> report(StreamObserver<StatsAck> acks) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StatsReport report) {
        aggregator.add(report);
        acks.onNext(StatsAck.newBuilder().setSequence(report.getSequence()).build());
      }

      @Override
      public void onError(Throwable t) {
        // the sidecar went away; what it reported stays counted
      }

      @Override
      public void onCompleted() {
        acks.onCompleted();
      }
    };
  }
}
