package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CorralctlTest {
  @Test
  void printsABashCompletionScriptForEveryCommand() {
    CommandLine cmd = Corralctl.commandLine();
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    assertThat(cmd.execute("completion", "bash")).isZero();
    assertThat(out.toString()).contains("complete -F", "corralctl", "stat", "policies", "config", "check");
  }

  @Test
  void refusesAnUnknownShellAndABadAddress() {
    CommandLine cmd = Corralctl.commandLine();
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("completion", "fish")).isEqualTo(2);
    assertThat(cmd.execute("stat", "--address", "ftp://x")).isEqualTo(2);
    assertThat(err.toString()).contains("completion: fish (expected: bash or zsh)",
        "--address: ftp://x (expected: http://host:port)");
  }
}
