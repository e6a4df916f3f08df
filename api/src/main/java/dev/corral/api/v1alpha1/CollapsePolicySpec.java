package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** Collapsed forwarding: identical concurrent requests to the target share one upstream fetch. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"targetRef", "placement", "methods", "keyHeaders", "shareAcrossCredentials", "maxWait", "maxBufferedBytes", "ranges"})
public final class CollapsePolicySpec {
  /** The Service this policy applies to. */
  @Required
  @JsonProperty("targetRef")
  private TargetRef targetRef;
  /** Client | Server (Server collapses across every caller of a pod). */
  @JsonProperty("placement")
  private Placement placement;
  /** Methods collapsed; only safe methods (GET, HEAD) may be listed. */
  @Size(min = 1, max = 2)
  @ValidationRule(value = Schema.SAFE_METHODS_RULE, message = Schema.SAFE_METHODS_MESSAGE)
  @JsonProperty("methods")
  private List<String> methods;
  /** Request headers that are part of the key. */
  @JsonProperty("keyHeaders")
  private List<String> keyHeaders;
  /** False: Authorization and Cookie are part of the key. */
  @JsonProperty("shareAcrossCredentials")
  private Boolean shareAcrossCredentials;
  /** A follower that waited this long goes upstream itself (duration). */
  @Pattern(Schema.DURATION)
  @JsonProperty("maxWait")
  private String maxWait;
  /** Followers that join after this much of the body was sent fetch on their own (quantity). */
  @Pattern(Schema.QUANTITY)
  @JsonProperty("maxBufferedBytes")
  private String maxBufferedBytes;
  /** Collapsing of requests for spatially close data. */
  @JsonProperty("ranges")
  private Ranges ranges;

  public CollapsePolicySpec() {}

  public TargetRef getTargetRef() { return targetRef; }

  public void setTargetRef(TargetRef targetRef) { this.targetRef = targetRef; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withTargetRef(TargetRef targetRef) { this.targetRef = targetRef; return this; }

  public Placement getPlacement() { return placement; }

  public void setPlacement(Placement placement) { this.placement = placement; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withPlacement(Placement placement) { this.placement = placement; return this; }

  public List<String> getMethods() { return methods; }

  public void setMethods(List<String> methods) { this.methods = methods; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withMethods(List<String> methods) { this.methods = methods; return this; }

  public List<String> getKeyHeaders() { return keyHeaders; }

  public void setKeyHeaders(List<String> keyHeaders) { this.keyHeaders = keyHeaders; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withKeyHeaders(List<String> keyHeaders) { this.keyHeaders = keyHeaders; return this; }

  public Boolean getShareAcrossCredentials() { return shareAcrossCredentials; }

  public void setShareAcrossCredentials(Boolean shareAcrossCredentials) { this.shareAcrossCredentials = shareAcrossCredentials; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withShareAcrossCredentials(Boolean shareAcrossCredentials) { this.shareAcrossCredentials = shareAcrossCredentials; return this; }

  public String getMaxWait() { return maxWait; }

  public void setMaxWait(String maxWait) { this.maxWait = maxWait; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withMaxWait(String maxWait) { this.maxWait = maxWait; return this; }

  public String getMaxBufferedBytes() { return maxBufferedBytes; }

  public void setMaxBufferedBytes(String maxBufferedBytes) { this.maxBufferedBytes = maxBufferedBytes; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withMaxBufferedBytes(String maxBufferedBytes) { this.maxBufferedBytes = maxBufferedBytes; return this; }

  public Ranges getRanges() { return ranges; }

  public void setRanges(Ranges ranges) { this.ranges = ranges; }

  /** Fluent setter for builders and tests. */
  public CollapsePolicySpec withRanges(Ranges ranges) { this.ranges = ranges; return this; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof CollapsePolicySpec that)) return false;
    return Objects.equals(targetRef, that.targetRef) && Objects.equals(placement, that.placement) && Objects.equals(methods, that.methods) && Objects.equals(keyHeaders, that.keyHeaders) && Objects.equals(shareAcrossCredentials, that.shareAcrossCredentials) && Objects.equals(maxWait, that.maxWait) && Objects.equals(maxBufferedBytes, that.maxBufferedBytes) && Objects.equals(ranges, that.ranges);
  }

  @Override
  public int hashCode() { return Objects.hash(targetRef, placement, methods, keyHeaders, shareAcrossCredentials, maxWait, maxBufferedBytes, ranges); }

  @Override
  public String toString() { return "CollapsePolicySpec{" + "targetRef=" + targetRef + ", " + "placement=" + placement + ", " + "methods=" + methods + ", " + "keyHeaders=" + keyHeaders + ", " + "shareAcrossCredentials=" + shareAcrossCredentials + ", " + "maxWait=" + maxWait + ", " + "maxBufferedBytes=" + maxBufferedBytes + ", " + "ranges=" + ranges + "}"; }

  /** Range requests widened to whole blocks; concurrent ones share block fetches. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"enabled", "blockSize", "maxBlocksPerFetch"})
  public static final class Ranges {
    /** Whether range collapsing is on. */
    @JsonProperty("enabled")
    private Boolean enabled;
    /** Block size (quantity). */
    @Pattern(Schema.QUANTITY)
    @JsonProperty("blockSize")
    private String blockSize;
    /** At most this many blocks per upstream fetch. */
    @Min(1)
    @JsonProperty("maxBlocksPerFetch")
    private Integer maxBlocksPerFetch;

    public Ranges() {}

    public Boolean getEnabled() { return enabled; }

    public void setEnabled(Boolean enabled) { this.enabled = enabled; }

    /** Fluent setter for builders and tests. */
    public Ranges withEnabled(Boolean enabled) { this.enabled = enabled; return this; }

    public String getBlockSize() { return blockSize; }

    public void setBlockSize(String blockSize) { this.blockSize = blockSize; }

    /** Fluent setter for builders and tests. */
    public Ranges withBlockSize(String blockSize) { this.blockSize = blockSize; return this; }

    public Integer getMaxBlocksPerFetch() { return maxBlocksPerFetch; }

    public void setMaxBlocksPerFetch(Integer maxBlocksPerFetch) { this.maxBlocksPerFetch = maxBlocksPerFetch; }

    /** Fluent setter for builders and tests. */
    public Ranges withMaxBlocksPerFetch(Integer maxBlocksPerFetch) { this.maxBlocksPerFetch = maxBlocksPerFetch; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Ranges that)) return false;
      return Objects.equals(enabled, that.enabled) && Objects.equals(blockSize, that.blockSize) && Objects.equals(maxBlocksPerFetch, that.maxBlocksPerFetch);
    }

    @Override
    public int hashCode() { return Objects.hash(enabled, blockSize, maxBlocksPerFetch); }

    @Override
    public String toString() { return "Ranges{" + "enabled=" + enabled + ", " + "blockSize=" + blockSize + ", " + "maxBlocksPerFetch=" + maxBlocksPerFetch + "}"; }
  }
}
