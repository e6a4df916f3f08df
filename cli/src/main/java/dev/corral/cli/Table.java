package dev.corral.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, as {@code kubectl get} prints them: upper-case
 * headers, three spaces between columns, text left-aligned and numbers right-aligned.
 */
final class Table {
  /** Column alignment. */
  enum Align { LEFT, RIGHT }

  private static final String GAP = "   ";

  private final List<String> headers = new ArrayList<>();
  private final List<Align> aligns = new ArrayList<>();
  private final List<List<String>> rows = new ArrayList<>();

  Table column(String header, Align align) {
    headers.add(header);
    aligns.add(align);
    return this;
  }

  Table left(String header) {
    return column(header, Align.LEFT);
  }

  Table right(String header) {
    return column(header, Align.RIGHT);
  }

  Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("row of " + cells.length + " cells (expected: " + headers.size() + ")");
    }
    rows.add(List.of(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The table, one line per row with a trailing newline; trailing spaces trimmed. */
  String render() {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    return out.toString();
  }

  private void line(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        line.append(GAP);
      }
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(aligns.get(c) == Align.RIGHT ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
