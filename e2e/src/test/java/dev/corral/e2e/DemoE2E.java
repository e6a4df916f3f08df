package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code corral demo} as a user runs it (the demo jar; {@code ./corral demo} adds only the build
 * step): it ends with the control plane's per-service table, and leaves no process behind, also
 * when stopped with Ctrl-C (SIGINT).
 */
class DemoE2E {
  private static final Path JAR = Path.of(System.getProperty("corral.demo.jar", "../demo/target/corral-demo.jar"));
  /** A table row: service, direction, RPS, success. */
  private static final Pattern ROW = Pattern.compile(
      "^(\\S+\\.shop)\\s+(inbound|outbound)\\s+([0-9.]+)\\s+([0-9.]+)%", Pattern.MULTILINE);

  private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
  private Process demo;
  private Path output;

  @AfterEach
  void cleanUp() throws IOException {
    if (output != null) {
      Files.deleteIfExists(output);
    }
    if (demo != null) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
    seen.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void aShortRunEndsWithTheStatsTableAndNoProcessLeft() throws Exception {
    start("--duration", "5s", "--concurrency", "4");
    awaitExit(300);
    String out = Files.readString(output);
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out).contains("edited images-policies.yaml", "per-service stats from the control plane");
    List<String> services = new ArrayList<>();
    Matcher m = ROW.matcher(out);
    while (m.find()) {
      services.add(m.group(1));
      assertThat(Double.parseDouble(m.group(3))).as("RPS of %s %s", m.group(1), m.group(2)).isPositive();
      assertThat(m.group(4)).as("success of %s %s", m.group(1), m.group(2)).isEqualTo("100.00");
    }
    assertThat(services).as(out).contains("images.shop", "frontend.shop");
    assertThat(seen).as("processes the demo started").hasSizeGreaterThanOrEqualTo(8);
    assertNoneAlive();
  }

  @Test
  void ctrlCStopsEveryProcessItStarted() throws Exception {
    start("--duration", "120s", "--concurrency", "2");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!Files.readString(output).contains("driving traffic") && System.nanoTime() < deadline) {
      assertThat(demo.isAlive()).as(Files.readString(output)).isTrue();
      Thread.sleep(200);
    }
    assertThat(Files.readString(output)).contains("driving traffic");
    assertThat(seen).hasSizeGreaterThanOrEqualTo(8);
    // Ctrl-C. A JVM leaves SIGINT alone when it inherited it ignored (a build started in the
    // background of a non-interactive shell); then SIGTERM, which runs the same shutdown hook.
    String signal = sigintIgnored(demo.pid()) ? "-TERM" : "-INT";
    new ProcessBuilder("kill", signal, Long.toString(demo.pid())).inheritIO().start().waitFor();
    awaitExit(60);
    assertNoneAlive();
  }

  /** Whether bit SIGINT (2) is set in the process's {@code SigIgn} mask (Linux). */
  private static boolean sigintIgnored(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  private void start(String... args) throws IOException {
    output = Files.createTempFile("corral-demo", ".out");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar",
        JAR.toAbsolutePath().toString(), "--root", Path.of("..").toAbsolutePath().normalize().toString()));
    command.addAll(List.of(args));
    demo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    Thread watcher = new Thread(() -> {
      while (demo.isAlive()) {
        demo.descendants().forEach(seen::add);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "demo-children");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void awaitExit(int seconds) throws Exception {
    assertThat(demo.waitFor(seconds, TimeUnit.SECONDS)).as("demo exited; output:\n%s", Files.readString(output))
        .isTrue();
  }

  private void assertNoneAlive() throws Exception {
    // The demo waits for its children before it exits; allow the kernel a moment to reap.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (seen.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(seen.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command().orElse("?")))
        .as("processes still alive after the demo").isEmpty();
  }
}
