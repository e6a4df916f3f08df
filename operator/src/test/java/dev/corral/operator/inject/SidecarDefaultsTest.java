package dev.corral.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarDefaultsTest {
  private static final InjectionConfig DEFAULTS = InjectionConfig.defaults("9.9.9");

  @Test
  void aMissingFileGivesTheDefaults(@TempDir Path dir) throws Exception {
    assertThat(SidecarDefaults.load(dir.resolve("sidecar.yaml"), DEFAULTS)).isEqualTo(DEFAULTS);
  }

  @Test
  void keysOverrideTheDefaultsAndTheRestStays(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("sidecar.yaml"), """
        image: registry.example:5000/corral/sidecar:2.0.0
        adsAddress: cp.example.svc:15010
        resources:
          requests: {cpu: 200m}
        excludeOutboundPorts: [5432, "6379"]
        """);

    InjectionConfig config = SidecarDefaults.load(file, DEFAULTS);

    assertThat(config.version()).isEqualTo("2.0.0");
    assertThat(config.sidecarImage()).isEqualTo("registry.example:5000/corral/sidecar:2.0.0");
    assertThat(config.controlPlaneAddress()).isEqualTo("cp.example.svc:15010");
    assertThat(config.resources().getRequests().get("cpu").toString()).isEqualTo("200m");
    assertThat(config.excludeOutboundPorts()).containsExactly(5432, 6379);
    assertThat(config.initImage()).isEqualTo(DEFAULTS.initImage());
    assertThat(config.excludeOutboundCidrs()).isEqualTo(DEFAULTS.excludeOutboundCidrs());
  }

  @Test
  void anUntaggedImageKeepsTheDefaultVersion() {
    assertThat(SidecarDefaults.parse("image: registry.example:5000/sidecar", DEFAULTS).version()).isEqualTo("9.9.9");
  }

  @Test
  void anUnknownKeyIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("sidecar.yaml"), "image: a:1\nexcludeOutboundCidrs: []\n");

    assertThatThrownBy(() -> SidecarDefaults.load(file, DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key excludeOutboundCidrs");
    assertThatThrownBy(() -> SidecarDefaults.parse("resources: {limit: {cpu: 1}}", DEFAULTS))
        .hasMessageContaining("unknown key resources.limit");
    assertThatThrownBy(() -> SidecarDefaults.parse("ports: {outbund: 15001}", DEFAULTS))
        .hasMessageContaining("unknown key ports.outbund");
  }

  @Test
  void badValuesAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> SidecarDefaults.parse("concurrency: many", DEFAULTS))
        .hasMessageContaining("concurrency: \"many\"");
    assertThatThrownBy(() -> SidecarDefaults.parse("excludeInboundPorts: [70000]", DEFAULTS))
        .hasMessageContaining("excludeInboundPorts");
    assertThatThrownBy(() -> SidecarDefaults.parse("excludeOutboundCIDRs: 10.0.0.0/8", DEFAULTS))
        .hasMessageContaining("excludeOutboundCIDRs: expected a list");
    assertThatThrownBy(() -> SidecarDefaults.parse("imagePullPolicy: Sometimes", DEFAULTS))
        .hasMessageContaining("imagePullPolicy: Sometimes");
    assertThatThrownBy(() -> SidecarDefaults.parse("proxyUid: 1000", DEFAULTS))
        .hasMessageContaining("proxyUid: 1000");
    assertThatThrownBy(() -> SidecarDefaults.parse("ports: {inbound: 16006}", DEFAULTS))
        .hasMessageContaining("ports.inbound: 16006");
    assertThatThrownBy(() -> SidecarDefaults.parse("- a\n- b\n", DEFAULTS))
        .hasMessageContaining("expected a map");
  }
}
