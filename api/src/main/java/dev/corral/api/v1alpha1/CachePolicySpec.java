package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** An HTTP cache (RFC 9111) in front of the target Service, in its callers' or its own sidecars. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"targetRef", "placement", "maxSize", "maxObjectSize", "defaultTtl", "staleWhileRevalidate", "staleIfError", "keyHeaders", "shareAcrossCredentials", "invalidateOnUnsafeMethods"})
@ValidationRule(value = Schema.OBJECT_FITS_RULE, message = Schema.OBJECT_FITS_MESSAGE)
public final class CachePolicySpec {
  /** The Service this policy applies to. */
  @Required
  @JsonProperty("targetRef")
  private TargetRef targetRef;
  /** Client: in each caller's sidecar; Server: in each target pod's sidecar. */
  @JsonProperty("placement")
  private Placement placement;
  /** Bytes held, all entries together (quantity). */
  @Pattern(Schema.QUANTITY)
  @JsonProperty("maxSize")
  private String maxSize;
  /** Larger responses pass through uncached (quantity). */
  @Pattern(Schema.QUANTITY)
  @JsonProperty("maxObjectSize")
  private String maxObjectSize;
  /** Freshness when the response says nothing; 0 caches only what Cache-Control allows (duration). */
  @Pattern(Schema.DURATION)
  @JsonProperty("defaultTtl")
  private String defaultTtl;
  /** Unless the response says otherwise (duration). */
  @Pattern(Schema.DURATION)
  @JsonProperty("staleWhileRevalidate")
  private String staleWhileRevalidate;
  /** Unless the response says otherwise (duration). */
  @Pattern(Schema.DURATION)
  @JsonProperty("staleIfError")
  private String staleIfError;
  /** Request headers that are part of the key, besides Vary. */
  @JsonProperty("keyHeaders")
  private List<String> keyHeaders;
  /** False: Authorization and Cookie are part of the key. */
  @JsonProperty("shareAcrossCredentials")
  private Boolean shareAcrossCredentials;
  /** POST/PUT/PATCH/DELETE through the mesh evicts that URL (RFC 9111 section 4.4). */
  @JsonProperty("invalidateOnUnsafeMethods")
  private Boolean invalidateOnUnsafeMethods;

  public CachePolicySpec() {}

  public TargetRef getTargetRef() { return targetRef; }

  public void setTargetRef(TargetRef targetRef) { this.targetRef = targetRef; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withTargetRef(TargetRef targetRef) { this.targetRef = targetRef; return this; }

  public Placement getPlacement() { return placement; }

  public void setPlacement(Placement placement) { this.placement = placement; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withPlacement(Placement placement) { this.placement = placement; return this; }

  public String getMaxSize() { return maxSize; }

  public void setMaxSize(String maxSize) { this.maxSize = maxSize; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withMaxSize(String maxSize) { this.maxSize = maxSize; return this; }

  public String getMaxObjectSize() { return maxObjectSize; }

  public void setMaxObjectSize(String maxObjectSize) { this.maxObjectSize = maxObjectSize; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withMaxObjectSize(String maxObjectSize) { this.maxObjectSize = maxObjectSize; return this; }

  public String getDefaultTtl() { return defaultTtl; }

  public void setDefaultTtl(String defaultTtl) { this.defaultTtl = defaultTtl; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withDefaultTtl(String defaultTtl) { this.defaultTtl = defaultTtl; return this; }

  public String getStaleWhileRevalidate() { return staleWhileRevalidate; }

  public void setStaleWhileRevalidate(String staleWhileRevalidate) { this.staleWhileRevalidate = staleWhileRevalidate; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withStaleWhileRevalidate(String staleWhileRevalidate) { this.staleWhileRevalidate = staleWhileRevalidate; return this; }

  public String getStaleIfError() { return staleIfError; }

  public void setStaleIfError(String staleIfError) { this.staleIfError = staleIfError; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withStaleIfError(String staleIfError) { this.staleIfError = staleIfError; return this; }

  public List<String> getKeyHeaders() { return keyHeaders; }

  public void setKeyHeaders(List<String> keyHeaders) { this.keyHeaders = keyHeaders; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withKeyHeaders(List<String> keyHeaders) { this.keyHeaders = keyHeaders; return this; }

  public Boolean getShareAcrossCredentials() { return shareAcrossCredentials; }

  public void setShareAcrossCredentials(Boolean shareAcrossCredentials) { this.shareAcrossCredentials = shareAcrossCredentials; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withShareAcrossCredentials(Boolean shareAcrossCredentials) { this.shareAcrossCredentials = shareAcrossCredentials; return this; }

  public Boolean getInvalidateOnUnsafeMethods() { return invalidateOnUnsafeMethods; }

  public void setInvalidateOnUnsafeMethods(Boolean invalidateOnUnsafeMethods) { this.invalidateOnUnsafeMethods = invalidateOnUnsafeMethods; }

  /** Fluent setter for builders and tests. */
  public CachePolicySpec withInvalidateOnUnsafeMethods(Boolean invalidateOnUnsafeMethods) { this.invalidateOnUnsafeMethods = invalidateOnUnsafeMethods; return this; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof CachePolicySpec that)) return false;
    return Objects.equals(targetRef, that.targetRef) && Objects.equals(placement, that.placement) && Objects.equals(maxSize, that.maxSize) && Objects.equals(maxObjectSize, that.maxObjectSize) && Objects.equals(defaultTtl, that.defaultTtl) && Objects.equals(staleWhileRevalidate, that.staleWhileRevalidate) && Objects.equals(staleIfError, that.staleIfError) && Objects.equals(keyHeaders, that.keyHeaders) && Objects.equals(shareAcrossCredentials, that.shareAcrossCredentials) && Objects.equals(invalidateOnUnsafeMethods, that.invalidateOnUnsafeMethods);
  }

  @Override
  public int hashCode() { return Objects.hash(targetRef, placement, maxSize, maxObjectSize, defaultTtl, staleWhileRevalidate, staleIfError, keyHeaders, shareAcrossCredentials, invalidateOnUnsafeMethods); }

  @Override
  public String toString() { return "CachePolicySpec{" + "targetRef=" + targetRef + ", " + "placement=" + placement + ", " + "maxSize=" + maxSize + ", " + "maxObjectSize=" + maxObjectSize + ", " + "defaultTtl=" + defaultTtl + ", " + "staleWhileRevalidate=" + staleWhileRevalidate + ", " + "staleIfError=" + staleIfError + ", " + "keyHeaders=" + keyHeaders + ", " + "shareAcrossCredentials=" + shareAcrossCredentials + ", " + "invalidateOnUnsafeMethods=" + invalidateOnUnsafeMethods + "}"; }
}
