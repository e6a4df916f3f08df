package dev.corral.e2e.support;

import dev.corral.api.AdsBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Local mode's pieces for tests: the manifests of a namespace {@code shop} (Service,
 * EndpointSlice on loopback), written atomically into the control plane's folder, and sidecars
 * booted from ADS alone whose node metadata names their loopback ports (docs/local-mode.md).
 */
public final class LocalMesh {
  private LocalMesh() {}

  /** A sidecar of local mode and the loopback ports of its outbound and inbound listeners. */
  public record Sidecar(SidecarProcess process, int outbound, int inbound) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  /**
   * Starts the sidecar of pod {@code pod} of service {@code workload} (namespace shop), fronting
   * the app on {@code appPort}, configured over ADS by the control plane on {@code xdsPort}, to
   * which it also reports stats every 200 ms.
   */
  public static Sidecar startSidecar(String pod, String workload, int appPort, int xdsPort) {
    int admin = Ports.free();
    int outbound = Ports.free();
    int inbound = Ports.free();
    String yaml = AdsBootstrap.node(pod + ".shop", workload + ".shop.svc.cluster.local")
        .metadata("workload", workload).metadata("namespace", "shop")
        .metadata("corral.outbound_port", outbound).metadata("corral.inbound_port", inbound)
        .metadata("corral.app_port", appPort).metadata("corral.listen_address", "127.0.0.1")
        .metadata("corral.stats_address", "127.0.0.1:" + xdsPort).metadata("corral.stats_interval", "200ms")
        .admin("127.0.0.1", admin).xds("127.0.0.1", xdsPort).yaml();
    SidecarProcess process = RawSidecars.start(yaml, admin, outbound, "--concurrency", "2");
    return new Sidecar(process, outbound, inbound);
  }

  /** Writes beside and moves, so the control plane's watcher never reads a half-written file. */
  public static void write(Path folder, String file, String yaml) throws IOException {
    Path tmp = Files.writeString(folder.resolve("." + file + ".tmp"), yaml);
    Files.move(tmp, folder.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: shop}
        spec:
          ports:
          - {name: http, port: 8080, targetPort: http, appProtocol: http}
        """.formatted(name);
  }

  public static String slice(String name, String service, int port, String pod, String zone) {
    return """
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: shop
          labels: {kubernetes.io/service-name: %s}
        addressType: IPv4
        ports:
        - {name: http, port: %d, protocol: TCP}
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions: {ready: true}
          zone: %s
          targetRef: {kind: Pod, namespace: shop, name: %s}
        """.formatted(name, service, port, zone, pod);
  }
}
