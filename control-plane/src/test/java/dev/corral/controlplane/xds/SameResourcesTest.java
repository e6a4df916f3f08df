package dev.corral.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SameResourcesTest {
  private final SameResources<Integer> same = new SameResources<>(16);
  private final AtomicInteger computed = new AtomicInteger();
  private final List<Message> clusters = List.of(TestResources.edsCluster("a", 1), TestResources.edsCluster("b", 1));

  private int get(List<Message> resources) {
    return same.get(resources, array -> computed.incrementAndGet());
  }

  @Test
  void anEntryUsedBetweenSweepsIsKept() {
    get(clusters);
    same.sweep();
    get(clusters);
    same.sweep(); // used since the sweep before: kept
    get(clusters);
    same.sweep();
    get(clusters);

    assertThat(computed).hasValue(1);
  }

  @Test
  void anEntryUnusedForTwoSweepsIsComputedAgain() {
    get(clusters);
    same.sweep();
    same.sweep();
    get(clusters);

    assertThat(computed).hasValue(2);
  }
}
