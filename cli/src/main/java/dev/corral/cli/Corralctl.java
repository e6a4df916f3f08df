package dev.corral.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corralctl}: the mesh from the command line, over the control plane's HTTP API (and a
 * sidecar's admin for {@code config}). Exit codes: 0 fine, 1 a check failed or nothing matched,
 * 2 bad usage, 3 the control plane (or sidecar) could not be reached, 4 it answered with an error.
 */
@Command(name = "corralctl", mixinStandardHelpOptions = true, version = "corralctl 0.1.0",
    description = "See the Corral mesh: per-service stats, policies and their status, a sidecar's config, health checks.",
    subcommands = {StatCommand.class, PoliciesCommand.class, ConfigCommand.class, CheckCommand.class,
        Corralctl.Completion.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:fine", "1:a check failed, or nothing matched", "2:bad usage",
        "3:the control plane (or the sidecar admin) could not be reached", "4:it answered with an error"})
public final class Corralctl implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: errors of the commands print as {@code corralctl: …} with their exit code. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Corralctl());
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof CliException cli) {
        err.println("corralctl: " + cli.getMessage());
        err.flush();
        return cli.exitCode();
      }
      throw e;
    });
    return cmd;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code corralctl completion bash|zsh}: picocli's completion script. */
  @Command(name = "completion", mixinStandardHelpOptions = true,
      description = {"Prints a shell completion script.",
          "bash: source <(corralctl completion bash)",
          "zsh:  autoload -U +X bashcompinit && bashcompinit && source <(corralctl completion zsh)"})
  static final class Completion implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh", arity = "1")
    String shell;

    @Override
    public void run() {
      if (!shell.equals("bash") && !shell.equals("zsh")) {
        throw new CliException(2, "completion: " + shell + " (expected: bash or zsh)");
      }
      // picocli's script works in both: zsh runs it through bashcompinit.
      String script = AutoComplete.bash("corralctl", spec.root().commandLine());
      spec.commandLine().getOut().print(script);
      spec.commandLine().getOut().flush();
    }
  }
}
