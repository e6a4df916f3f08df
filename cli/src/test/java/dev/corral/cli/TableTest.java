package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsTextLeftAndNumbersRightWithThreeSpacesBetweenColumns() {
    String out = new Table().left("NAME").right("RPS")
        .row("images", "1.50rps")
        .row("a", "120rps")
        .render();
    assertThat(out).isEqualTo("""
        NAME         RPS
        images   1.50rps
        a         120rps
        """);
  }

  @Test
  void trimsTrailingSpacesOfTheLastColumn() {
    String out = new Table().left("A").left("B").row("x", "").row("y", "long").render();
    assertThat(out.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
  }

  @Test
  void refusesARowOfTheWrongWidth() {
    assertThatThrownBy(() -> new Table().left("A").row("1", "2"))
        .hasMessageContaining("row of 2 cells (expected: 1)");
  }
}
