package dev.corral.cli;

import picocli.CommandLine.Option;

/** {@code --address}, on every command that talks to the control plane. */
final class ControlPlaneOptions {
  static final String DEFAULT_ADDRESS = "http://localhost:15014";
  static final String HINT = "is it running? try --address, or in a cluster: "
      + "kubectl -n corral-system port-forward svc/corral-controller 15014";

  @Option(names = "--address", paramLabel = "URL",
      defaultValue = "${env:CORRAL_ADDRESS:-" + DEFAULT_ADDRESS + "}",
      description = "The control plane's HTTP API (default: $CORRAL_ADDRESS or " + DEFAULT_ADDRESS + ").")
  String address = DEFAULT_ADDRESS;

  Http controlPlane() {
    return new Http(address, "the control plane", HINT);
  }
}
