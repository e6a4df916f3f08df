package dev.corral.operator.inject;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Reads and checks the comma-separated port and CIDR lists of the exclusion annotations. */
final class PortLists {
  private PortLists() {}

  /** {@code "8080, 9090"} → [8080, 9090]; the field is named in the error. */
  static List<Integer> ports(String field, String text) {
    List<Integer> ports = new ArrayList<>();
    for (String part : parts(text)) {
      int port;
      try {
        port = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + ": \"" + part + "\" is not a port (expected e.g. 8080,9090)");
      }
      check(field, port);
      ports.add(port);
    }
    return ports;
  }

  /** {@code "10.0.0.0/8, 192.168.1.1/32"}, checked; the field is named in the error. */
  static List<String> cidrs(String field, String text) {
    List<String> cidrs = parts(text);
    cidrs.forEach(c -> checkCidr(field, c));
    return cidrs;
  }

  static void check(String field, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(field + ": " + port + " (expected: a port 1..65535)");
    }
  }

  static void checkCidr(String field, String cidr) {
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    if (!InetAddresses.isInetAddress(address)) {
      throw new IllegalArgumentException(field + ": \"" + cidr + "\" is not a CIDR (expected e.g. 10.0.0.0/8)");
    }
    InetAddress ip = InetAddresses.forString(address);
    int max = ip.getAddress().length * 8;
    if (slash >= 0) {
      String prefix = cidr.substring(slash + 1);
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
        throw new IllegalArgumentException(field + ": \"" + cidr + "\": prefix length must be 0.." + max);
      }
    }
  }

  private static List<String> parts(String text) {
    List<String> parts = new ArrayList<>();
    for (String p : text.split(",")) {
      if (!p.isBlank()) {
        parts.add(p.trim());
      }
    }
    return parts;
  }
}
