package dev.corral.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarMainTest {
  @Test
  void exitsWithTwoWhenTheBootstrapIsRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("b.yaml"), "node: { id: x, color: blue }\n");

    assertThat(SidecarMain.run(new String[] {"--config", file.toString()})).isEqualTo(2);
  }

  @Test
  void acceptsTheShippedExample() {
    assertThat(SidecarMain.run(new String[] {"--config", "../examples/sidecar-bootstrap.yaml"}))
        .isZero();
  }
}
