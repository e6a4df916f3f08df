package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corralctl policies [-n NS] [-o table|json]}: every policy with its target and its
 * Accepted / Programmed conditions ({@code GET /api/v1/policies}); the reason and message of each
 * condition that is not True follow the table.
 */
@Command(name = "policies", mixinStandardHelpOptions = true,
    description = "Every BalancePolicy, CachePolicy and CollapsePolicy with its target and Accepted / Programmed status.")
final class PoliciesCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin ControlPlaneOptions options;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only policies of this namespace.")
  @Nullable String namespace;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output = "table";

  @Override
  public void run() {
    if (!output.equals("table") && !output.equals("json")) {
      throw new CliException(2, "--output: " + output + " (expected: table or json)");
    }
    JsonNode body = options.controlPlane().json("/api/v1/policies");
    List<JsonNode> policies = new ArrayList<>();
    for (JsonNode p : body.path("policies")) {
      if (namespace == null || namespace.equals(p.path("namespace").asText())) {
        policies.add(p);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      ObjectNode filtered = body.deepCopy();
      ArrayNode array = filtered.putArray("policies");
      policies.forEach(array::add);
      out.println(Http.pretty(filtered));
    } else if (policies.isEmpty()) {
      out.println(namespace == null ? "No policies." : "No policies in namespace " + namespace + ".");
    } else {
      out.print(render(policies, namespace == null));
    }
    out.flush();
  }

  static String render(List<JsonNode> policies, boolean showNamespace) {
    Table t = new Table();
    if (showNamespace) {
      t.left("NAMESPACE");
    }
    t.left("KIND").left("NAME").left("TARGET").left("SPEC").left("ACCEPTED").left("PROGRAMMED");
    List<String> notes = new ArrayList<>();
    for (JsonNode p : policies) {
      List<String> cells = new ArrayList<>();
      if (showNamespace) {
        cells.add(p.path("namespace").asText());
      }
      String kind = p.path("kind").asText();
      String name = p.path("name").asText();
      cells.add(kind);
      cells.add(name);
      cells.add(Format.text(p, "target", Format.NONE));
      String summary = Format.text(p, "summary", "");
      cells.add(summary.isEmpty() ? Format.NONE : summary);
      cells.add(condition(p.path("accepted")));
      cells.add(condition(p.path("programmed")));
      t.row(cells.toArray(String[]::new));
      for (String type : List.of("accepted", "programmed")) {
        JsonNode c = p.path(type);
        if (!"True".equals(c.path("status").asText()) && !c.path("message").asText().isEmpty()) {
          notes.add("  " + kind + " " + p.path("namespace").asText() + "/" + name + ": "
              + c.path("type").asText() + " " + c.path("reason").asText() + ": " + c.path("message").asText());
        }
      }
    }
    StringBuilder out = new StringBuilder(t.render());
    if (!notes.isEmpty()) {
      out.append('\n').append("Not True:\n");
      notes.forEach(n -> out.append(n).append('\n'));
    }
    return out.toString();
  }

  /** {@code True}, or {@code False (Conflicted)}. */
  static String condition(JsonNode c) {
    if (c.isMissingNode() || c.isNull()) {
      return Format.NONE;
    }
    String status = c.path("status").asText();
    return status.equals("True") ? status : status + " (" + c.path("reason").asText() + ")";
  }
}
