package dev.corral.sidecar;

import dev.corral.sidecar.bootstrap.BootstrapLoader;
import dev.corral.sidecar.bootstrap.ConfigException;
import java.nio.file.Path;

/** The sidecar's entry point: {@code corral-sidecar --config <bootstrap.yaml>}. */
public final class SidecarMain {
  /** Exit status when the bootstrap is refused. */
  public static final int EXIT_CONFIG = 2;

  private SidecarMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Loads the bootstrap; returns the process exit status. */
  static int run(String[] args) {
    if (args.length != 2 || !(args[0].equals("--config") || args[0].equals("-c"))) {
      System.err.println("usage: corral-sidecar --config <bootstrap.yaml>");
      return EXIT_CONFIG;
    }
    try {
      BootstrapLoader.load(Path.of(args[1]));
    } catch (ConfigException e) {
      String message = e.getMessage();
      // Syntax errors already start with the file name; validation errors name a path.
      System.err.println("corral-sidecar: "
          + (message.startsWith(args[1]) ? message : args[1] + ": " + message));
      return EXIT_CONFIG;
    }
    // Listeners and clusters are started by the components that follow this one.
    return 0;
  }
}
