package dev.corral.sidecar.bootstrap;

/**
 * Configuration that the sidecar refuses: its message names the field's path from the bootstrap
 * root, e.g. {@code static_resources.clusters[1].dns_lookup_family: not supported}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public ConfigException(String path, String problem) {
    super(path.isEmpty() ? problem : path + ": " + problem);
    this.path = path;
  }

  /** The offending field's path, e.g. {@code static_resources.clusters[1].dns_lookup_family}. */
  public String path() {
    return path;
  }

  /** This error with {@code prefix} put in front of its path, for errors found in a nested part. */
  public ConfigException under(String prefix) {
    String message = getMessage().substring(path.isEmpty() ? 0 : path.length() + 2);
    return new ConfigException(path.isEmpty() ? prefix : prefix + "." + path, message);
  }
}
