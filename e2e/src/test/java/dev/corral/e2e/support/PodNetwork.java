package dev.corral.e2e.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * "Pods" without Kubernetes: one network namespace per pod, each with a veth pair whose host end
 * is on a bridge in the root namespace ({@value #BRIDGE}, {@value #GATEWAY}/24), an address in
 * 10.77.0.0/24, and a default route through the bridge. Everything is named {@value #PREFIX}…, so
 * leftovers of a crashed run are found and removed before a new one starts. Needs root and
 * iproute2.
 */
public final class PodNetwork implements AutoCloseable {
  public static final String PREFIX = "crl-";
  public static final String BRIDGE = PREFIX + "br0";
  public static final String GATEWAY = "10.77.0.1";
  private static final Path NETNS_ETC = Path.of("/etc/netns");

  private final List<Pod> pods = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  /** A network namespace standing for a pod, at {@code ip}. */
  public record Pod(String name, String namespace, String ip) {}

  private PodNetwork() {}

  /**
   * Why the network cannot be built on this machine, or null when it can: needs root and the
   * tools named.
   */
  public static @Nullable String missing(String... tools) {
    if (!isRoot()) {
      return "needs root (network namespaces, veth pairs, iptables)";
    }
    for (String tool : tools) {
      if (which(tool) == null) {
        return "needs " + tool + " on PATH (apt-get install -y iptables iproute2 util-linux curl python3)";
      }
    }
    return null;
  }

  /** Removes what a crashed earlier run left, then creates the bridge. */
  public static PodNetwork create() {
    removeLeftovers();
    PodNetwork net = new PodNetwork();
    run("ip", "link", "add", BRIDGE, "type", "bridge");
    run("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
    run("ip", "link", "set", BRIDGE, "up");
    return net;
  }

  /** A new pod {@code name} at {@code ip} (10.77.0.x), reachable from the root namespace and the other pods. */
  public Pod pod(String name, String ip) {
    String ns = PREFIX + name;
    int index = pods.size();
    String host = PREFIX + "v" + index;
    String peer = PREFIX + "p" + index;
    Pod pod = new Pod(name, ns, ip);
    pods.add(pod);
    run("ip", "netns", "add", ns);
    run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
    run("ip", "link", "set", peer, "netns", ns);
    run("ip", "link", "set", host, "master", BRIDGE);
    run("ip", "link", "set", host, "up");
    exec(pod, "ip", "link", "set", peer, "name", "eth0");
    exec(pod, "ip", "addr", "add", ip + "/24", "dev", "eth0");
    exec(pod, "ip", "link", "set", "eth0", "up");
    exec(pod, "ip", "link", "set", "lo", "up");
    exec(pod, "ip", "route", "add", "default", "via", GATEWAY);
    return pod;
  }

  /**
   * The pod's /etc/hosts: {@code ip netns exec} bind-mounts /etc/netns/NS/hosts over /etc/hosts,
   * the way a pod gets cluster DNS answers, here for names such as {@code images.shop}.
   */
  public void hosts(Pod pod, Map<String, String> nameToAddress) {
    StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
    nameToAddress.forEach((name, address) -> text.append(address).append(' ').append(name).append('\n'));
    try {
      Path dir = Files.createDirectories(NETNS_ETC.resolve(pod.namespace()));
      Files.writeString(dir.resolve("hosts"), text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} inside the pod, with {@code env} added, and returns its output; fails on a non-zero exit. */
  public static String exec(Pod pod, Map<String, String> env, String... command) {
    return run(env, inside(pod, command));
  }

  public static String exec(Pod pod, String... command) {
    return run(Map.of(), inside(pod, command));
  }

  /** Runs {@code command} inside the pod and returns exit code and output, whatever they are. */
  public static Result tryExec(Pod pod, String... command) {
    return runResult(Map.of(), inside(pod, command));
  }

  /** Starts a long-running {@code command} inside the pod, stopped by {@link #close}; output goes to {@code log}. */
  public Process start(Pod pod, Path log, String... command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(inside(pod, command)).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      clearProxies(pb);
      Process p = pb.start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code ip netns exec NS} before {@code command}, as a prefix for other launchers. */
  public static List<String> inside(Pod pod, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", pod.namespace()));
    full.addAll(List.of(command));
    return full;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    removeLeftovers();
  }

  /** Kills what still runs in our namespaces, deletes them, their links, the bridge and /etc/netns entries. */
  static void removeLeftovers() {
    for (String line : runResult(Map.of(), List.of("ip", "netns", "list")).output().split("\n")) {
      String ns = line.split(" ")[0].trim();
      if (!ns.startsWith(PREFIX)) {
        continue;
      }
      for (String pid : runResult(Map.of(), List.of("ip", "netns", "pids", ns)).output().split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      runResult(Map.of(), List.of("ip", "netns", "del", ns));
    }
    for (String line : runResult(Map.of(), List.of("ip", "-o", "link", "show")).output().split("\n")) {
      String[] parts = line.split(":\\s+");
      if (parts.length > 1) {
        String link = parts[1].split("@")[0].trim();
        if (link.startsWith(PREFIX)) {
          runResult(Map.of(), List.of("ip", "link", "del", link));
        }
      }
    }
    try (Stream<Path> dirs = Files.exists(NETNS_ETC) ? Files.list(NETNS_ETC) : Stream.empty()) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Exit code and everything printed. */
  public record Result(int exitCode, String output) {}

  private static String run(String... command) {
    return run(Map.of(), List.of(command));
  }

  private static String run(Map<String, String> env, List<String> command) {
    Result r = runResult(env, command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.output();
  }

  private static Result runResult(Map<String, String> env, List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      clearProxies(pb);
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The apps in the pods have no proxy settings: interception, not configuration, brings them to the sidecar. */
  private static void clearProxies(ProcessBuilder pb) {
    pb.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** The absolute path of {@code tool} on PATH (and in the sbin directories root uses), or null. */
  public static @Nullable String which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool).toString();
      }
    }
    return null;
  }
}
