package dev.corral.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SidecarMainTest {
  @Test
  void exitsWithTwoAndNamesTheFieldWhenTheBootstrapIsRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("b.yaml"), """
        static_resources:
          clusters:
          - name: a
            type: STATIC
            dns_lookup_family: V4_ONLY
        """);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new SidecarMain()).execute("--bootstrap", file.toString());
    } finally {
      System.setErr(original);
    }

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("static_resources.clusters[0].dns_lookup_family: not supported");
  }

  @Test
  void exitsWithTwoWhenTheBootstrapFileIsMissing(@TempDir Path dir) {
    int code = new CommandLine(new SidecarMain()).execute("--bootstrap", dir.resolve("nope.yaml").toString());

    assertThat(code).isEqualTo(2);
  }

  @Test
  void readsTheBootstrapFromTheCommandLineText() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new SidecarMain()).execute("--bootstrap-yaml", "node: {id: a.b, color: red}");
    } finally {
      System.setErr(original);
    }

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bootstrap-yaml").contains("color");
  }

  @Test
  void refusesBothBootstrapSources(@TempDir Path dir) {
    int code = new CommandLine(new SidecarMain()).execute(
        "--bootstrap", dir.resolve("b.yaml").toString(), "--bootstrap-yaml", "node: {id: a}");

    assertThat(code).isEqualTo(2);
  }
}
