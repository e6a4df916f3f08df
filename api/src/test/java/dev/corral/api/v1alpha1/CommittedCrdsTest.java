package dev.corral.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** crds/ holds exactly what the CRD generator makes of the Java model: no drift either way. */
class CommittedCrdsTest {

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    List<Path> generated = yamlFiles(GeneratedCrds.GENERATED);
    assertThat(generated).as("CRDs generated into %s", GeneratedCrds.GENERATED.toAbsolutePath()).hasSize(3);
    for (Path file : generated) {
      Path committed = GeneratedCrds.COMMITTED.resolve(file.getFileName().toString());
      if (!Files.exists(committed)) {
        fail("crds/" + file.getFileName() + " is missing: run `" + GeneratedCrds.UPDATE_COMMAND
            + "` and commit crds/");
      }
      if (!Files.readString(committed).equals(Files.readString(file))) {
        fail("crds/" + file.getFileName() + " differs from the CRD generated from the Java model ("
            + file + "): run `" + GeneratedCrds.UPDATE_COMMAND + "` and commit crds/");
      }
    }
  }

  @Test
  void crdsHoldsNoCrdTheModelDoesNotGenerate() throws IOException {
    for (Path file : yamlFiles(GeneratedCrds.COMMITTED)) {
      if (!Files.exists(GeneratedCrds.GENERATED.resolve(file.getFileName().toString()))) {
        fail("crds/" + file.getFileName() + " is not generated from the Java model any more: delete it, or run `"
            + GeneratedCrds.UPDATE_COMMAND + "`");
      }
    }
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
    }
  }
}
