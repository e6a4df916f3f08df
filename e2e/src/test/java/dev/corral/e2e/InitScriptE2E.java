package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The init container's script without touching the machine: {@code --dry-run} prints the rules
 * the environment asks for, and bad values are refused naming the variable. NetnsE2E runs it for
 * real (as root, in network namespaces).
 */
class InitScriptE2E {
  private static final Path SCRIPT = Path.of("../images/init/corral-iptables.sh").toAbsolutePath();

  private record Run(int exit, String out) {}

  private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString());
    pb.command().addAll(java.util.List.of(args));
    pb.environment().keySet().removeIf(k -> k.startsWith("CORRAL_"));
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void dryRunPrintsTheRulesTheEnvironmentAsksFor() throws Exception {
    Run r = run(Map.of("CORRAL_INBOUND_PORTS", "8080,9090", "CORRAL_EXCLUDE_OUTBOUND_CIDRS", "10.0.0.0/8",
        "CORRAL_EXCLUDE_OUTBOUND_PORTS", "5432", "CORRAL_EXCLUDE_INBOUND_PORTS", "9091"), "--dry-run");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains(
        "-A CORRAL_INBOUND -p tcp --dport 15020 -j RETURN",
        "-A CORRAL_INBOUND -p tcp --dport 9091 -j RETURN",
        "-A CORRAL_INBOUND -p tcp --dport 8080 -j CORRAL_IN_REDIRECT",
        "-A CORRAL_INBOUND -p tcp --dport 9090 -j CORRAL_IN_REDIRECT",
        "-A CORRAL_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
        "-A CORRAL_OUTPUT -m owner --uid-owner 1337 -j RETURN",
        "-A CORRAL_OUTPUT -d 127.0.0.0/8 -j RETURN",
        "-A CORRAL_OUTPUT -d 10.0.0.0/8 -j RETURN",
        "-A CORRAL_OUTPUT -p tcp --dport 5432 -j RETURN",
        "-A CORRAL_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
        "-A OUTPUT -p tcp -j CORRAL_OUTPUT");
    // The uid exclusion comes before the redirect, or the sidecar's own calls would loop.
    assertThat(r.out().indexOf("--uid-owner")).isLessThan(r.out().indexOf("-j CORRAL_REDIRECT"));
  }

  @Test
  void everyInboundPortByDefaultAndNoneWhenTheListIsEmpty() throws Exception {
    assertThat(run(Map.of(), "--dry-run").out()).contains("-A CORRAL_INBOUND -p tcp -j CORRAL_IN_REDIRECT");
    assertThat(run(Map.of("CORRAL_INBOUND_PORTS", ""), "--dry-run").out())
        .doesNotContainPattern("-A CORRAL_INBOUND[^\n]*-j CORRAL_IN_REDIRECT");
  }

  @Test
  void refusesBadValuesNamingTheVariable() throws Exception {
    Run port = run(Map.of("CORRAL_INBOUND_PORTS", "8080,80x"), "--dry-run");
    assertThat(port.exit()).isEqualTo(2);
    assertThat(port.out()).contains("CORRAL_INBOUND_PORTS: \"80x\" is not a port");
    Run cidr = run(Map.of("CORRAL_EXCLUDE_OUTBOUND_CIDRS", "10.0.0.0/33"), "--dry-run");
    assertThat(cidr.exit()).isEqualTo(2);
    assertThat(cidr.out()).contains("CORRAL_EXCLUDE_OUTBOUND_CIDRS: \"10.0.0.0/33\"");
    Run uid = run(Map.of("CORRAL_PROXY_UID", "sidecar"), "--dry-run");
    assertThat(uid.out()).contains("CORRAL_PROXY_UID");
    assertThat(run(Map.of("CORRAL_OUTBOUND_PORT", "70000"), "--dry-run").out())
        .contains("CORRAL_OUTBOUND_PORT: 70000 (expected: 1..65535)");
    assertThat(run(Map.of(), "--bogus").exit()).isEqualTo(2);
  }
}
