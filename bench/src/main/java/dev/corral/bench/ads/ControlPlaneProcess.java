package dev.corral.bench.ads;

import dev.corral.controlplane.xds.XdsType;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The control plane of the ADS benchmark in its own JVM, as deployed: {@link ChildPlane} starts it
 * with the control plane's production JVM flags ({@code control-plane/jvm.options}) and drives it
 * over stdin/stdout, one command a line; every answer ends with a line {@code end}.
 *
 * <pre>
 * (start)      ready XDS_PORT PID
 * versions     v GROUP CDS EDS LDS RDS        (one line per connected node group)
 * push REV     pushed START PUBLISHED PUSH_CPU, then the v lines of the new versions
 * heap         heap BYTES                      (used heap after full GCs)
 * check        check STREAMS BEHIND
 * gc           gc COUNT MILLIS NAME            (one line per collector)
 * jit          jit MILLIS                      (JIT compilation time so far)
 * quit         (exits)
 * </pre>
 * A failed command answers {@code error MESSAGE}. Times are {@link System#nanoTime()}. Every line
 * of the protocol starts with {@code "@ "}: the JVM and agents print to stdout too (JFR, a
 * profiler attached with jcmd), and {@link ChildPlane} passes their lines on to stderr.
 */
public final class ControlPlaneProcess {
  static final String PREFIX = "@ ";
  private ControlPlaneProcess() {}

  public static void main(String[] args) throws Exception {
    int services = 1000;
    int endpoints = 10;
    int namespaces = 50;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + ": missing value");
      }
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--services" -> services = v;
        case "--endpoints" -> endpoints = v;
        case "--namespaces" -> namespaces = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8) {
      @Override
      public void println(String line) {
        super.println(PREFIX + line);
      }
    };
    try (LocalPlane plane = LocalPlane.start(new SyntheticMesh(services, endpoints, namespaces), 0);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println("ready " + plane.xdsPort() + " " + ProcessHandle.current().pid());
      out.flush();
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        try {
          answer(plane, line.trim(), out);
        } catch (RuntimeException e) {
          out.println("error " + String.valueOf(e).replace('\n', ' '));
        }
        out.println("end");
        out.flush();
      }
    }
    System.exit(0);
  }

  private static void answer(LocalPlane plane, String command, PrintStream out) {
    String[] words = command.split(" ");
    switch (words[0]) {
      case "versions" -> printVersions(plane.versions(), out);
      case "push" -> {
        Plane.Pushed p = plane.push(Integer.parseInt(words[1]));
        out.println("pushed " + p.startNanos() + " " + p.publishedNanos() + " " + p.pushCpuNanos());
        printVersions(p.versions(), out);
      }
      case "heap" -> out.println("heap " + plane.heapAfterGc());
      case "check" -> {
        Plane.Check c = plane.check();
        out.println("check " + c.streams() + " " + c.behind());
      }
      case "jit" -> out.println("jit " + plane.jitMillis());
      case "gc" -> plane.gc().forEach((name, gc) -> out.println("gc " + gc.count() + " " + gc.millis() + " " + name));
      default -> throw new IllegalArgumentException("unknown command '" + command + "'");
    }
  }

  private static void printVersions(Map<String, Map<XdsType, String>> versions, PrintStream out) {
    versions.forEach((group, v) -> {
      StringBuilder b = new StringBuilder("v ").append(group);
      for (XdsType t : XdsType.values()) {
        b.append(' ').append(v.get(t));
      }
      out.println(b.toString());
    });
  }

  /** Parses the words after {@code v GROUP} back into a version per type. */
  static Map<XdsType, String> parseVersions(String[] words, int from) {
    Map<XdsType, String> v = new EnumMap<>(XdsType.class);
    for (XdsType t : XdsType.values()) {
      v.put(t, words[from + t.ordinal()]);
    }
    return v;
  }
}
