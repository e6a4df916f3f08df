package dev.corral.api.v1alpha1;

/**
 * The OpenAPI patterns and CEL rules of the generated CRDs (crds/), in one place so that the
 * annotations on the spec classes stay short. The semantic checks in the control plane's
 * {@code PolicyValidator} enforce the same rules with field paths in their messages; the schema
 * refuses bad specs at {@code kubectl apply} time already.
 */
public final class Schema {
  private Schema() {}

  /** A Kubernetes-style duration as {@link Durations} reads it: {@code 0}, {@code 250ms}, {@code 1h30m}, {@code 1.5s}. */
  public static final String DURATION = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+)$";

  /** A Kubernetes quantity used as a size, as {@link Quantities} reads it: {@code 64Ki}, {@code 8Mi}, {@code 500k}, {@code 1e6}. */
  public static final String QUANTITY = "^\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[kMGTPE]|[eE][0-9]+)?$";

  /** An HTTP header or cookie name: an RFC 9110 token. */
  public static final String TOKEN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

  /** An absolute path. */
  public static final String PATH = "^/";

  /** A Service name: a DNS-1035 label. */
  public static final String SERVICE_NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** spec.hashOn is set exactly for the consistent-hash algorithms. */
  public static final String HASH_ON_RULE =
      "has(self.algorithm) && (self.algorithm == 'RingHash' || self.algorithm == 'Maglev')"
          + " ? has(self.hashOn) : !has(self.hashOn)";
  public static final String HASH_ON_MESSAGE =
      "hashOn is required when algorithm is RingHash or Maglev, and not allowed otherwise";

  /** spec.hashOn names exactly one request property. */
  public static final String HASH_ON_ONE_RULE =
      "(has(self.header) ? 1 : 0) + (has(self.cookie) ? 1 : 0)"
          + " + (has(self.sourceIP) && self.sourceIP ? 1 : 0) + (has(self.path) && self.path ? 1 : 0) == 1";
  public static final String HASH_ON_ONE_MESSAGE =
      "exactly one of header, cookie, sourceIP: true, path: true must be set";

  /** CollapsePolicy spec.methods lists only safe methods (PolicyValidator.COLLAPSIBLE_METHODS). */
  public static final String SAFE_METHODS_RULE = "self.all(m, m == 'GET' || m == 'HEAD')";
  public static final String SAFE_METHODS_MESSAGE = "only safe methods GET and HEAD can be collapsed";

  /**
   * CachePolicy: maxObjectSize <= maxSize. {@code quantity()} is the Kubernetes CEL quantity
   * library: Kubernetes 1.29 or later. Malformed quantities are left to the patterns.
   */
  public static final String OBJECT_FITS_RULE =
      "!has(self.maxSize) || !has(self.maxObjectSize) || !isQuantity(self.maxSize) || !isQuantity(self.maxObjectSize)"
          + " || quantity(self.maxObjectSize).compareTo(quantity(self.maxSize)) <= 0";
  public static final String OBJECT_FITS_MESSAGE = "maxObjectSize must not be larger than maxSize";

  /** retries.retryOn names only supported conditions (PolicyValidator.RETRY_ON). */
  public static final String RETRY_ON_RULE = "self.all(r, r in ['5xx', 'gateway-error', 'reset', 'connect-failure',"
      + " 'refused-stream', 'retriable-status-codes'])";
  public static final String RETRY_ON_MESSAGE = "supported: 5xx, gateway-error, reset, connect-failure, refused-stream,"
      + " retriable-status-codes";

  /** retries.retriableStatusCodes are HTTP statuses. */
  public static final String STATUS_CODES_RULE = "self.all(c, c >= 100 && c <= 599)";
  public static final String STATUS_CODES_MESSAGE = "expected HTTP statuses 100-599";
}
