package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.corral.api.WellKnown;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The injection webhook: HTTPS on 15017, {@code POST /inject} answered by {@link AdmissionHandler}.
 * The JDK's HTTPS server is enough for admission traffic (a request per pod created) and needs no
 * event-loop code.
 *
 * <p>RBAC: {@code get} namespaces (their inject label); unless a certificate directory is given,
 * {@code get} and {@code patch} mutatingwebhookconfigurations (the caBundle) and {@code get},
 * {@code create}, {@code update} secrets in its namespace ({@link SharedCertificate}).
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
  public static final String PATH = "/inject";
  public static final String WEBHOOK_CONFIGURATION = "corral-sidecar-injector";
  /** The Secret in the controller's namespace that holds the generated certificate the replicas share. */
  public static final String TLS_SECRET = SharedCertificate.SECRET;
  private static final int MAX_REVIEW_BYTES = 4 << 20;

  /**
   * Where and how to serve.
   *
   * @param bind the listening address (port 15017 in the cluster)
   * @param service the Service in front of the webhook, for the certificate's names
   * @param namespace the Service's namespace
   * @param webhookConfiguration the MutatingWebhookConfiguration whose caBundle to patch
   * @param certDir a directory with {@code tls.crt}/{@code tls.key} (cert-manager): used as is,
   *     and nothing is patched; null to generate the certificate at start
   * @param extraDnsNames more names in a generated certificate (tests: {@code localhost})
   */
  public record Options(InetSocketAddress bind, String service, String namespace, String webhookConfiguration,
      @Nullable Path certDir, List<String> extraDnsNames) {
    public Options {
      requireNonNull(bind, "bind");
      requireNonNull(service, "service");
      requireNonNull(namespace, "namespace");
      requireNonNull(webhookConfiguration, "webhookConfiguration");
      extraDnsNames = List.copyOf(requireNonNull(extraDnsNames, "extraDnsNames"));
    }

    /** Port 15017 on every address, Service {@code corral-controller.corral-system}, a generated certificate. */
    public static Options defaults() {
      return new Options(new InetSocketAddress(WellKnown.INJECTION_WEBHOOK_PORT), "corral-controller", "corral-system",
          WEBHOOK_CONFIGURATION, null, List.of());
    }
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final WebhookCertificates certificates;

  private WebhookServer(HttpsServer server, ExecutorService executor, WebhookCertificates certificates) {
    this.server = server;
    this.executor = executor;
    this.certificates = certificates;
  }

  /**
   * Starts the webhook: takes the serving certificate from {@code options.certDir()}, or else
   * from the Secret the replicas share (generating it when absent or due), patches its CA into
   * the webhook configuration's caBundle in the latter case, and serves {@code POST /inject}.
   *
   * @throws IOException when the port cannot be bound
   */
  public static WebhookServer start(KubernetesClient client, InjectionConfig injection, Options options)
      throws IOException {
    requireNonNull(client, "client");
    requireNonNull(injection, "injection");
    requireNonNull(options, "options");
    WebhookCertificates certificates;
    if (options.certDir() != null) {
      certificates = WebhookCertificates.fromDirectory(options.certDir());
      log.info("serving certificate from {}; caBundle left to whoever manages it (cert-manager)", options.certDir());
    } else {
      List<String> names = new java.util.ArrayList<>(WebhookCertificates.serviceNames(options.service(), options.namespace()));
      names.addAll(options.extraDnsNames());
      certificates = SharedCertificate.loadOrCreate(client, options.namespace(), names);
      patchCaBundle(client, options.webhookConfiguration(), certificates.caBundle());
    }
    AdmissionHandler handler = new AdmissionHandler(new SidecarInjector(injection),
        namespace -> namespaceLabels(client, namespace), WebhookServer::resolve);
    HttpsServer server = HttpsServer.create(options.bind(), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
    ExecutorService executor = Executors.newFixedThreadPool(2, daemonThreads());
    server.setExecutor(executor);
    server.createContext(PATH, exchange -> serve(handler, exchange));
    server.start();
    log.info("injection webhook on https://{}{}", server.getAddress(), PATH);
    return new WebhookServer(server, executor, certificates);
  }

  /** The bound address (the chosen port when bound to port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public WebhookCertificates certificates() {
    return certificates;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Sets {@code clientConfig.caBundle} of every webhook of {@code name}. A missing configuration
   * is logged, not fatal: the API server then calls no webhook, and pods are created without a
   * sidecar (the chart creates it with the controller).
   */
  static void patchCaBundle(KubernetesClient client, String name, String caBundle) {
    try {
      MutatingWebhookConfiguration patched = client.admissionRegistration().v1().mutatingWebhookConfigurations()
          .withName(name)
          .edit(c -> {
            for (MutatingWebhook w : c.getWebhooks()) {
              if (w.getClientConfig() == null) {
                w.setClientConfig(new WebhookClientConfig());
              }
              w.getClientConfig().setCaBundle(caBundle);
            }
            return c;
          });
      log.info("caBundle patched into {} webhook(s) of MutatingWebhookConfiguration {}",
          patched.getWebhooks().size(), name);
    } catch (KubernetesClientException e) {
      log.warn("cannot patch the caBundle of MutatingWebhookConfiguration {} ({}): the API server will not trust"
          + " the webhook, and pods are created without a sidecar", name, e.getMessage());
    }
  }

  private static Map<String, String> namespaceLabels(KubernetesClient client, String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns == null || ns.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return ns.getMetadata().getLabels();
  }

  private static String resolve(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("control plane address " + host + " does not resolve", e);
    }
  }

  private static void serve(AdmissionHandler handler, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(PATH)) {
        reply(exchange, 405, "text/plain", "POST " + PATH + " only\n");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_REVIEW_BYTES + 1);
      }
      if (body.length > MAX_REVIEW_BYTES) {
        reply(exchange, 413, "text/plain", "AdmissionReview larger than " + MAX_REVIEW_BYTES + " bytes\n");
        return;
      }
      String answer;
      try {
        answer = handler.handle(new String(body, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        reply(exchange, 400, "text/plain", e.getMessage() + "\n");
        return;
      }
      reply(exchange, 200, "application/json", answer);
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "corral-webhook-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
