package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One port of a Service.
 *
 * @param name the port's name; {@code ""} for the single unnamed port of a Service
 * @param port the Service port callers address
 * @param targetPort the pod port, a number or the name of a container port
 * @param protocol TCP, UDP or SCTP
 * @param appProtocol the application protocol ({@code http}, {@code kubernetes.io/h2c}, ...) when declared
 */
public record ServicePort(String name, int port, TargetPort targetPort, String protocol, @Nullable String appProtocol) {
  public ServicePort {
    requireNonNull(name, "name");
    requireNonNull(targetPort, "targetPort");
    requireNonNull(protocol, "protocol");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }

  /** A Service's {@code targetPort}: a port number or the name of a container port. */
  public record TargetPort(int number, @Nullable String name) {
    public TargetPort {
      if ((name == null) == (number == 0)) {
        throw new IllegalArgumentException("targetPort: exactly one of number (" + number + ") and name (" + name + ")");
      }
      if (name == null && (number < 1 || number > 65535)) {
        throw new IllegalArgumentException("targetPort: " + number + " (expected: 1-65535)");
      }
    }

    public static TargetPort number(int number) {
      return new TargetPort(number, null);
    }

    public static TargetPort named(String name) {
      return new TargetPort(0, requireNonNull(name, "name"));
    }

    public boolean isNamed() {
      return name != null;
    }

    @Override
    public String toString() {
      return name != null ? name : Integer.toString(number);
    }
  }
}
