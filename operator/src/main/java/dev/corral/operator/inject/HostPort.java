package dev.corral.operator.inject;

/** {@code host:port}, as in {@link InjectionConfig#controlPlaneAddress()}. */
record HostPort(String host, int port) {

  static HostPort parse(String field, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(field + ": \"" + text + "\" (expected host:port)");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": \"" + text + "\" (expected host:port)");
    }
    PortLists.check(field, port);
    return new HostPort(host, port);
  }
}
