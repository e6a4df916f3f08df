package dev.corral.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes the demo started, each logging to a file in the run's folder. {@link #stopAll()}
 * ends them all (SIGTERM, then SIGKILL after a grace period, their own children too) and is safe to
 * call twice: from the normal end and from the shutdown hook that Ctrl-C runs.
 */
final class Children {
  record Child(String name, Process process, Path log) {}

  private final Path logs;
  private final List<Child> children = new ArrayList<>();
  private boolean stopped;

  Children(Path logs) {
    this.logs = logs;
  }

  synchronized Child start(String name, List<String> command) {
    if (stopped) {
      throw new IllegalStateException("stopping: not starting " + name);
    }
    Path log = logs.resolve(name + ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Child c = new Child(name, p, log);
      children.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  /** Fails with the child's log when one of them exited. */
  synchronized void checkAlive() {
    if (stopped) {
      return; // stopping on purpose (Ctrl-C): exits are expected
    }
    for (Child c : children) {
      if (!c.process().isAlive()) {
        throw new IllegalStateException(c.name() + " exited with " + c.process().exitValue() + "; its log ("
            + c.log() + "):\n" + tail(c.log()));
      }
    }
  }

  synchronized void stopAll() {
    stopped = true;
    for (Child c : children) {
      c.process().descendants().forEach(ProcessHandle::destroy);
      c.process().destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Child c : children) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!c.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          c.process().descendants().forEach(ProcessHandle::destroyForcibly);
          c.process().destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        c.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
