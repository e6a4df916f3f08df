package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.SidecarProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How the real process refuses to start: exit code 2 with the offending field's path for a
 * bootstrap it refuses, 1 when it cannot bind.
 */
class BootstrapErrorsE2E {
  private static final Duration EXIT = Duration.ofSeconds(30);

  @Test
  void unsupportedFieldExits2NamingTheFieldsFullPath() {
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("first", Ports.free());
    bootstrap.cluster("second", Ports.free()).extra("    dns_lookup_family: V4_ONLY");

    try (SidecarProcess sidecar = SidecarProcess.launch(bootstrap.yaml(), bootstrap.adminPort(),
        bootstrap.listenerPort())) {
      assertThat(sidecar.awaitExit(EXIT)).as(sidecar.log()).isEqualTo(2);
      assertThat(sidecar.log()).contains("static_resources.clusters[1].dns_lookup_family");
    }
  }

  @Test
  void yamlSyntaxErrorExits2() {
    String yaml = "static_resources:\n  clusters: [ { name: a, type: STATIC\n  listeners: ]\n";

    try (SidecarProcess sidecar = SidecarProcess.launch(yaml, Ports.free(), Ports.free())) {
      assertThat(sidecar.awaitExit(EXIT)).as(sidecar.log()).isEqualTo(2);
      assertThat(sidecar.log()).contains("bootstrap.yaml:3:");
    }
  }

  @Test
  void listenerPortInUseExits1() throws Exception {
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("hello", Ports.free());

    try (ServerSocket taken = new ServerSocket(bootstrap.listenerPort(), 1, InetAddress.getLoopbackAddress());
        SidecarProcess sidecar = SidecarProcess.launch(bootstrap.yaml(), bootstrap.adminPort(),
            bootstrap.listenerPort())) {
      assertThat(sidecar.awaitExit(EXIT)).as(sidecar.log()).isEqualTo(1);
      assertThat(sidecar.log()).contains("cannot start").contains("Address already in use");
    }
  }
}
