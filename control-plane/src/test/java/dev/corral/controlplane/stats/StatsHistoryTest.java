package dev.corral.controlplane.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsHistoryTest {
  private final StatsHistory history = StatsHistory.create(Duration.ofSeconds(20), Duration.ofSeconds(5));

  @Test
  void keepsTheSpanAndDropsTheOldest() {
    assertThat(history.capacity()).isEqualTo(4);
    for (int i = 1; i <= 6; i++) {
      history.record(view(i * 5_000L));
    }
    assertThat(history.since(0)).extracting(StatsView::asOfUnixMs).containsExactly(15_000L, 20_000L, 25_000L, 30_000L);
  }

  @Test
  void sinceReturnsOnlyNewerSamples() {
    history.record(view(5_000));
    history.record(view(10_000));
    history.record(view(15_000));
    assertThat(history.since(10_000)).extracting(StatsView::asOfUnixMs).containsExactly(15_000L);
    assertThat(history.since(15_000)).isEmpty();
  }

  @Test
  void refusesASpanShorterThanTheInterval() {
    assertThatThrownBy(() -> StatsHistory.create(Duration.ofSeconds(1), Duration.ofSeconds(5)))
        .hasMessageContaining("span: PT1S (expected: >= interval PT5S)");
  }

  private static StatsView view(long at) {
    return new StatsView(at, Duration.ofSeconds(30), 0, List.of(), List.of());
  }
}
