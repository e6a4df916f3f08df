package dev.corral.e2e.support;

import java.util.ArrayList;
import java.util.List;

/** What a test started, closed in reverse order at the end, each one whatever the others do. */
public final class Cleanup implements AutoCloseable {
  private final List<AutoCloseable> started = new ArrayList<>();

  /** Remembers {@code closeable} for {@link #close()}; returns it. */
  public <T extends AutoCloseable> T track(T closeable) {
    started.add(closeable);
    return closeable;
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // best effort: the rest must still be closed
      }
    }
    started.clear();
  }
}
