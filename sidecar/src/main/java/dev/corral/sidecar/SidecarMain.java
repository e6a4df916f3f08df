package dev.corral.sidecar;

public final class SidecarMain {
  public static void main(String[] args) {}
}
