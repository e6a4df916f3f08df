package dev.corral.operator;

import dev.corral.api.WellKnown;
import dev.corral.controlplane.ServerOptions;
import dev.corral.operator.inject.InjectionConfig;
import dev.corral.operator.inject.SidecarDefaults;
import dev.corral.operator.inject.WebhookServer;
import dev.corral.operator.leader.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code corral controller}: the in-cluster controller. Informers on the Kubernetes API feed the
 * control plane (ADS on {@code --xds-port}, HTTP API on {@code --http-port}); the replica holding
 * the Lease writes policy status and events; every replica serves the sidecar injection webhook on
 * {@code --webhook-port}. SIGTERM drains like local mode: the webhook closes, the lease is released,
 * the model stops changing, the API closes, open ADS streams get a grace period; exit code 0.
 */
@Command(name = "corral controller", mixinStandardHelpOptions = true,
    description = "Serves Envoy xDS to Corral sidecars from the Kubernetes API and writes policy status.")
public final class ControllerMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ControllerMain.class);
  private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Watch only this namespace (default: every namespace).")
  @Nullable String namespace;

  @Mixin
  ServerOptions server = new ServerOptions();

  @Option(names = "--webhook-port", defaultValue = "" + WellKnown.INJECTION_WEBHOOK_PORT,
      description = "Sidecar injection webhook port, HTTPS (default: ${DEFAULT-VALUE}).")
  int webhookPort;

  @Option(names = "--lease-name", defaultValue = "corral-controller",
      description = "Name of the coordination.k8s.io Lease the replicas elect a leader with (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--lease-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (default: POD_NAMESPACE, the service account's namespace, or the client's).")
  @Nullable String leaseNamespace;

  @Option(names = "--identity",
      description = "This replica's name in the election (default: POD_NAME, HOSTNAME, or a random id).")
  @Nullable String identity;

  @Option(names = "--webhook-configuration", paramLabel = "NAME", defaultValue = WebhookServer.WEBHOOK_CONFIGURATION,
      description = "MutatingWebhookConfiguration whose caBundle gets the generated CA (default: ${DEFAULT-VALUE}).")
  String webhookConfiguration;

  @Option(names = "--webhook-service", paramLabel = "NAME", defaultValue = "corral-controller",
      description = "Service in front of the webhook, in the controller's namespace: the generated certificate's"
          + " names (default: ${DEFAULT-VALUE}).")
  String webhookService;

  @Option(names = "--sidecar-config", paramLabel = "FILE",
      description = "The chart's sidecar.yaml: images, resources, JVM flags and exclusions of injected sidecars"
          + " (default: built-in defaults; a missing file is logged and gives them too).")
  @Nullable Path sidecarConfig;

  @Option(names = "--cert-dir", paramLabel = "DIR",
      description = "Serve the webhook with DIR/tls.crt and DIR/tls.key (cert-manager) and patch nothing"
          + " (default: generate a certificate, share it through Secret corral-webhook-tls and patch the caBundle).")
  @Nullable Path certDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ControllerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    // Bad sidecar defaults stop the start, before anything talks to the cluster.
    InjectionConfig injection = injectionConfig();
    KubernetesClient client = KubernetesClients.create();
    String ownNs = ownNamespace(client);
    String leaseNs = leaseNamespace != null ? leaseNamespace : ownNs;
    String id = identity != null ? identity : ownIdentity();
    Controller controller = Controller.builder(client, LeaderElection.Options.of(leaseNs, leaseName, id))
        .namespace(namespace)
        .address(server.address()).xdsPort(server.xdsPort()).httpPort(server.httpPort())
        .build();
    log.info("corral controller: {} watching {}; lease {}/{}", id, namespace == null ? "every namespace" : namespace,
        leaseNs, leaseName);
    // SIGTERM/SIGINT start a drain and the process exits 0 after it, like the sidecar and local mode.
    // Before the first model there is nothing to drain: a signal then ends the process at once.
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean started = new AtomicBoolean();
    sun.misc.SignalHandler onSignal = signal -> {
      if (!started.get()) {
        log.info("corral controller: stopped before the first model");
        System.exit(0);
      }
      stop.countDown();
    };
    Signal.handle(new Signal("TERM"), onSignal);
    Signal.handle(new Signal("INT"), onSignal);
    controller.start();
    started.set(true);
    WebhookServer webhook = WebhookServer.start(client, injection, new WebhookServer.Options(
        new InetSocketAddress(server.address(), webhookPort), webhookService, ownNs, webhookConfiguration,
        certDir, List.of()));
    stop.await();
    log.info("corral controller: draining");
    webhook.close();
    controller.drain(server.drainTime());
    client.close();
    log.info("corral controller: stopped");
    return 0;
  }

  /** The sidecar defaults: built in, overridden by {@code --sidecar-config}. */
  InjectionConfig injectionConfig() throws IOException {
    String version = ControllerMain.class.getPackage().getImplementationVersion();
    InjectionConfig defaults = InjectionConfig.defaults(version != null ? version : "dev");
    if (sidecarConfig == null) {
      return defaults;
    }
    try {
      return SidecarDefaults.load(sidecarConfig, defaults);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--sidecar-config " + e.getMessage(), e);
    }
  }

  private static String ownNamespace(KubernetesClient client) throws IOException {
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
      return Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim();
    }
    String ns = client.getNamespace();
    return ns != null ? ns : "default";
  }

  private static String ownIdentity() {
    for (String name : new String[] {"POD_NAME", "HOSTNAME"}) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return "corral-controller-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
