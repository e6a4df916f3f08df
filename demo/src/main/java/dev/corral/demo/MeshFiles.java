package dev.corral.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's copy of the example manifests: the apps' loopback ports rewritten to free ones (so the
 * demo runs beside anything else on the machine), and the CachePolicy held back until
 * {@link #turnCacheOn()} writes it, the mid-run edit whose effect the demo shows.
 */
final class MeshFiles {
  static final String POLICIES = "images-policies.yaml";
  private static final Pattern PORT = Pattern.compile("port: (\\d{4,5})");

  private final Path dir;
  private final String fullPolicies;

  private MeshFiles(Path dir, String fullPolicies) {
    this.dir = dir;
    this.fullPolicies = fullPolicies;
  }

  /**
   * Copies {@code source}'s YAML into {@code dir}, replacing each EndpointSlice port found in
   * {@code appPorts}' keys by its value.
   */
  static MeshFiles copy(Path source, Path dir, Map<Integer, Integer> appPorts) throws IOException {
    Files.createDirectories(dir);
    String policies = null;
    List<Path> files;
    try (Stream<Path> s = Files.list(source)) {
      files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList());
    }
    for (Path f : files) {
      String text = rewritePorts(Files.readString(f), appPorts);
      if (f.getFileName().toString().equals(POLICIES)) {
        policies = text;
        text = withoutCachePolicy(text);
      }
      Files.writeString(dir.resolve(f.getFileName()), text);
    }
    if (policies == null || !policies.contains("kind: CachePolicy")) {
      throw new IllegalArgumentException(source + "/" + POLICIES + ": expected a CachePolicy to turn on mid-run");
    }
    return new MeshFiles(dir, policies);
  }

  Path dir() {
    return dir;
  }

  /** Writes the policies file with its CachePolicy, as a user's editor would (atomically). */
  void turnCacheOn() throws IOException {
    Path tmp = Files.writeString(dir.resolve("." + POLICIES + ".tmp"), fullPolicies);
    Files.move(tmp, dir.resolve(POLICIES), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String withoutCachePolicy(String policies) {
    List<String> docs = new ArrayList<>(List.of(policies.split("\n---\n")));
    if (!docs.removeIf(d -> d.contains("\nkind: CachePolicy\n"))) {
      throw new IllegalArgumentException(POLICIES + ": no CachePolicy document");
    }
    return String.join("\n---\n", docs);
  }

  static String rewritePorts(String yaml, Map<Integer, Integer> ports) {
    Matcher m = PORT.matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Integer to = ports.get(Integer.parseInt(m.group(1)));
      m.appendReplacement(out, to == null ? m.group() : "port: " + to);
    }
    m.appendTail(out);
    return out.toString();
  }
}
