package dev.corral.cli;

/** A failure to report as {@code corralctl: <message>} with a specific exit code (see {@link Corralctl}). */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
