package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** The Service a policy attaches to, in the policy's namespace (Gateway API policy-attachment style). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"group", "kind", "name"})
public final class TargetRef {
  /** API group of the target: empty for the core group. */
  @Pattern("^(|core)$")
  @JsonProperty("group")
  private String group;
  /** Kind of the target: {@code Service}. */
  @Required
  @Pattern("^Service$")
  @JsonProperty("kind")
  private String kind;
  /** Name of the target Service. */
  @Required
  @Size(max = 63)
  @Pattern(Schema.SERVICE_NAME)
  @JsonProperty("name")
  private String name;

  public TargetRef() {}

  public String getGroup() { return group; }

  public void setGroup(String group) { this.group = group; }

  /** Fluent setter for builders and tests. */
  public TargetRef withGroup(String group) { this.group = group; return this; }

  public String getKind() { return kind; }

  public void setKind(String kind) { this.kind = kind; }

  /** Fluent setter for builders and tests. */
  public TargetRef withKind(String kind) { this.kind = kind; return this; }

  public String getName() { return name; }

  public void setName(String name) { this.name = name; }

  /** Fluent setter for builders and tests. */
  public TargetRef withName(String name) { this.name = name; return this; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof TargetRef that)) return false;
    return Objects.equals(group, that.group) && Objects.equals(kind, that.kind) && Objects.equals(name, that.name);
  }

  @Override
  public int hashCode() { return Objects.hash(group, kind, name); }

  @Override
  public String toString() { return "TargetRef{" + "group=" + group + ", " + "kind=" + kind + ", " + "name=" + name + "}"; }
}
