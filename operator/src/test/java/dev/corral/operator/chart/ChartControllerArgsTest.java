package dev.corral.operator.chart;

import static dev.corral.operator.chart.ChartRenderTest.podSpecContainer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.operator.ControllerMain;
import dev.corral.operator.chart.Chart.Rendered;
import dev.corral.operator.chart.Chart.Values;
import dev.corral.operator.inject.InjectionConfig;
import dev.corral.operator.inject.SidecarDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the chart hands the controller (its args and its sidecar.yaml) is what the controller reads. */
class ChartControllerArgsTest {
  @Test
  void controllerAcceptsEveryArgumentTheDeploymentPasses() {
    for (Values values : List.of(Values.defaults(), Values.defaults().set("certManager.enabled", true))) {
      List<String> args = podSpecContainer(Chart.render(values)).getArgs();
      assertThat(args).as("args of %s", values).isNotEmpty();

      CommandLine.ParseResult parsed = new CommandLine(new ControllerMain()).parseArgs(args.toArray(String[]::new));

      assertThat(parsed.unmatched()).as("unmatched args of %s", values).isEmpty();
      assertThat(parsed.matchedOptions()).hasSize(args.size());
    }
  }

  @Test
  void renderedSidecarConfigLoadsIntoTheInjectionConfig() {
    InjectionConfig config = SidecarDefaults.parse(sidecarYaml(Chart.render(Values.defaults())),
        InjectionConfig.defaults("built-in"));

    assertThat(config.version()).isEqualTo("0.1.0");
    assertThat(config.sidecarImage()).isEqualTo("corral/sidecar:0.1.0");
    assertThat(config.initImage()).isEqualTo("corral/init:0.1.0");
    assertThat(config.imagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(config.controlPlaneAddress()).isEqualTo("corral-controller.corral-system.svc:15010");
    assertThat(config.jvmFlags()).isEmpty();
    assertThat(config.concurrency()).isZero();
    assertThat(config.drainTimeSeconds()).isEqualTo(20);
    assertThat(config.resources().getLimits().get("memory").toString()).isEqualTo("384Mi");
    assertThat(config.initResources().getLimits().get("memory").toString()).isEqualTo("64Mi");
    // The chart's list replaces the built-in one; values.yaml keeps the metadata address in it.
    assertThat(config.excludeOutboundCidrs()).containsExactly("169.254.169.254/32");
  }

  @Test
  void overriddenValuesReachTheInjectionConfig() {
    Rendered r = Chart.render(Values.defaults()
        .set("image.tag", "1.2.3")
        .set("image.pullPolicy", "Always")
        .set("sidecar.jvmFlags", "-Xmx96m -XX:+UseSerialGC")
        .set("sidecar.concurrency", 2)
        .set("sidecar.excludeOutboundCIDRs[0]", "169.254.169.254/32")
        .set("sidecar.excludeOutboundCIDRs[1]", "10.10.0.0/16")
        .set("sidecar.excludeInboundPorts[0]", 9090)
        .set("sidecar.excludeOutboundPorts[0]", 5432));

    InjectionConfig config = SidecarDefaults.parse(sidecarYaml(r), InjectionConfig.defaults("built-in"));

    assertThat(config.version()).isEqualTo("1.2.3");
    assertThat(config.imagePullPolicy()).isEqualTo("Always");
    assertThat(config.jvmFlags()).containsExactly("-Xmx96m", "-XX:+UseSerialGC");
    assertThat(config.concurrency()).isEqualTo(2);
    assertThat(config.excludeOutboundCidrs()).containsExactly("169.254.169.254/32", "10.10.0.0/16");
    assertThat(config.excludeInboundPorts()).containsExactly(9090);
    assertThat(config.excludeOutboundPorts()).containsExactly(5432);
  }

  private static String sidecarYaml(Rendered r) {
    return r.one(ConfigMap.class).getData().get("sidecar.yaml");
  }
}
