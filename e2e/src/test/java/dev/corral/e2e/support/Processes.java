package dev.corral.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the tests do with the Corral processes they start: stop them, read their log. */
final class Processes {
  private Processes() {}

  /** SIGTERM (a drain) and the exit code; kills and fails if {@code what} did not exit in time. */
  static int terminate(Process process, Duration timeout, String what, Path log) {
    process.destroy(); // SIGTERM on Linux
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not exit within " + timeout + ":\n" + read(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** Everything the process printed so far. */
  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
