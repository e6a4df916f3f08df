package dev.corral.controlplane;

/** {@code corral control-plane}: placeholder until the control plane lands. */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  public static void main(String[] args) {
    System.err.println("corral control-plane: not built yet");
    System.exit(1);
  }
}
