package dev.corral.api;

/** Names and numbers every part of Corral agrees on (ARCHITECTURE.md "Ports", API.md "Well-known names"). */
public final class WellKnown {
  private WellKnown() {}

  /** The CRD group of Corral's policies. */
  public static final String GROUP = "corral.dev";
  /** The CRD version of Corral's policies. */
  public static final String VERSION = "v1alpha1";
  /** {@code apiVersion} of Corral's policies. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Sidecar outbound listener: the app's traffic is redirected here. */
  public static final int SIDECAR_OUTBOUND_PORT = 15001;
  /** Sidecar inbound listener: traffic for the pod's app arrives here. */
  public static final int SIDECAR_INBOUND_PORT = 15006;
  /** Sidecar admin (loopback only by default): /ready, /stats/prometheus, /config_dump, /clusters. */
  public static final int SIDECAR_ADMIN_PORT = 15000;
  /** Sidecar health and metrics on the pod's address: /ready and /stats/prometheus only. */
  public static final int SIDECAR_HEALTH_PORT = 15020;
  /** Control plane ADS (gRPC). */
  public static final int CONTROL_PLANE_ADS_PORT = 15010;
  /** Control plane HTTP: stats API, dashboard, metrics. */
  public static final int CONTROL_PLANE_HTTP_PORT = 15014;
  /** Sidecar injection webhook. */
  public static final int INJECTION_WEBHOOK_PORT = 15017;

  /** The uid the sidecar runs as; iptables rules exclude it so its own traffic is not redirected. */
  public static final long SIDECAR_UID = 1337;

  /** Namespace label ({@value #INJECT_LABEL}: {@value #INJECT_ENABLED}) that turns injection on. */
  public static final String INJECT_LABEL = "corral.dev/inject";
  /** Value of {@link #INJECT_LABEL} that turns injection on for a namespace. */
  public static final String INJECT_ENABLED = "enabled";
  /** Pod annotation ({@value #INJECT_ANNOTATION}: "{@value #INJECT_DISABLED}") that turns injection off. */
  public static final String INJECT_ANNOTATION = "corral.dev/inject";
  /** Value of {@link #INJECT_ANNOTATION} that turns injection off for a pod. */
  public static final String INJECT_DISABLED = "false";

  /** Response header with the cache outcome (RFC 9211), e.g. {@code corral; hit}. */
  public static final String HEADER_CACHE_STATUS = "Cache-Status";
  /** Response header on a collapsed follower. */
  public static final String HEADER_COLLAPSED = "x-corral-collapsed";
  /** Value of {@link #HEADER_COLLAPSED} on a follower's response. */
  public static final String COLLAPSED_FOLLOWER = "follower";
  /** Response header when the sidecar refused a request for overload. */
  public static final String HEADER_OVERLOADED = "x-corral-overloaded";
  /** Value of {@link #HEADER_OVERLOADED}. */
  public static final String OVERLOADED_TRUE = "true";
  /** The {@code Cache-Status} cache name Corral reports. */
  public static final String CACHE_STATUS_NAME = "corral";
}
