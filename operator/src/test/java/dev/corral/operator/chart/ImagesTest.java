package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Drift guard for images/: each JVM image runs the jar and the jvm.options that the launcher
 * (./corral) uses for the same subcommand, as a non-root user on a JRE base. The images cannot be
 * built here (no container engine), so this reads the Dockerfiles.
 */
class ImagesTest {
  static final Path IMAGES = Chart.REPO.resolve("images");

  /** What ./corral runs for a subcommand: the module whose jvm.options it passes, and the jar. */
  record Launch(String optionsModule, String jar) {}

  @Test
  void sidecarImageRunsWhatTheLauncherRuns() throws Exception {
    Launch launch = launcher("sidecar");
    assertThat(launch).isNotNull();
    assertImage("sidecar", launch, "1337:1337");
  }

  @Test
  void controllerImageRunsWhatTheLauncherRuns() throws Exception {
    Launch launch = launcher("controller");
    assumeTrue(launch != null, "./corral has no controller subcommand yet");
    assertImage("controller", launch, "10001:10001");
  }

  @Test
  void controllerImageRunsTheShadedControllerJar() throws Exception {
    String dockerfile = Files.readString(IMAGES.resolve("controller/Dockerfile"));
    assertThat(dockerfile).contains("/src/operator/target/corral-controller.jar /app/corral-controller.jar")
        .contains("ENTRYPOINT [\"/app/corral-java.sh\", \"/app/corral-controller.jar\"]");
  }

  @Test
  void initImageHasIptablesIproute2AndTheScript() throws Exception {
    String dockerfile = Files.readString(IMAGES.resolve("init/Dockerfile"));
    assertThat(dockerfile).contains("iptables").contains("iproute2")
        .contains("COPY --chmod=0755 images/init/corral-iptables.sh /usr/local/bin/corral-iptables.sh")
        .contains("ENTRYPOINT [\"/usr/local/bin/corral-iptables.sh\"]");
  }

  @Test
  void entrypointUsesTheOptionsFileAndHonoursCorralJvmFlags() throws Exception {
    String script = Files.readString(IMAGES.resolve("corral-java.sh"));
    assertThat(script).contains("exec java @/app/jvm.options -jar \"$jar\" \"$@\"");
    Path jar = Chart.REPO.resolve("sidecar/target/corral-sidecar.jar");
    assumeTrue(Files.exists(jar), "sidecar jar not built");
    // The CORRAL_JVM_FLAGS branch runs here for real (the other needs /app/jvm.options).
    ProcessBuilder pb = new ProcessBuilder("sh", IMAGES.resolve("corral-java.sh").toString(), jar.toString(), "--help")
        .redirectErrorStream(true);
    pb.environment().put("CORRAL_JVM_FLAGS", "-Xmx32m -XX:+UseSerialGC");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("--bootstrap");
  }

  private static void assertImage(String image, Launch launch, String user) throws Exception {
    String dockerfile = Files.readString(IMAGES.resolve(image + "/Dockerfile"));
    String jarName = Path.of(launch.jar()).getFileName().toString();
    List<String> stages = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(stages).as("stages of images/%s", image)
        .containsExactly("FROM eclipse-temurin:17-jdk AS build", "FROM eclipse-temurin:17-jre");
    assertThat(dockerfile).contains("./mvnw ");
    assertThat(dockerfile).as("images/%s copies the jar ./corral runs", image)
        .contains("COPY --from=build /src/" + launch.jar() + " /app/" + jarName);
    assertThat(dockerfile).as("images/%s copies the jvm.options ./corral uses", image)
        .contains("COPY --from=build /src/" + launch.optionsModule() + "/jvm.options /app/jvm.options");
    assertThat(dockerfile).contains("USER " + user)
        .contains("ENTRYPOINT [\"/app/corral-java.sh\", \"/app/" + jarName + "\"]");
    assertThat(Chart.REPO.resolve(launch.optionsModule() + "/jvm.options")).exists();
  }

  /** Reads the case arm of ./corral for a subcommand; null when the launcher has none. */
  static @Nullable Launch launcher(String command) throws Exception {
    String corral = Files.readString(Chart.REPO.resolve("corral"));
    Matcher arm = Pattern.compile("(?ms)^  " + Pattern.quote(command) + "\\)\\n(.*?);;").matcher(corral);
    if (!arm.find()) {
      return null;
    }
    Matcher jar = Pattern.compile("jar=\"\\$ROOT/([^\"]+)\"").matcher(arm.group(1));
    Matcher flags = Pattern.compile("jvm_flags ([a-z-]+)").matcher(arm.group(1));
    assertThat(jar.find()).as("jar in ./corral %s", command).isTrue();
    assertThat(flags.find()).as("jvm_flags in ./corral %s", command).isTrue();
    return new Launch(flags.group(1), jar.group(1));
  }
}
