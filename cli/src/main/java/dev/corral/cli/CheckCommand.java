package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code corralctl check}: one line per check, ✔ or ✘ (with what to do), – when it does not
 * apply; exit code 1 when any check failed, 3 when the control plane cannot be reached.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Checks the mesh: control plane reachable, CRDs present, sidecars connected and up to date, policies accepted and programmed, no source problems.")
final class CheckCommand implements Runnable {
  static final String PASS = "✔";
  static final String FAIL = "✘";
  static final String SKIP = "–";
  /** A just-published change takes a moment to be ACKed: look again before calling sidecars stale. */
  private static final int SETTLE_ATTEMPTS = 6;
  private static final long SETTLE_PAUSE_MS = 500;

  @Spec CommandSpec spec;
  @Mixin ControlPlaneOptions options;

  /** One check's outcome: {@code fix} says what to do about a failure. */
  record Result(String mark, String what, String fix) {
    static Result pass(String what) {
      return new Result(PASS, what, "");
    }

    static Result fail(String what, String fix) {
      return new Result(FAIL, what, fix);
    }

    static Result skip(String what) {
      return new Result(SKIP, what, "");
    }
  }

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Http cp = options.controlPlane();
    List<Result> results = new ArrayList<>();
    JsonNode info;
    try {
      info = cp.json("/api/v1/info");
    } catch (CliException e) {
      out.print(render(List.of(Result.fail("control plane reachable at " + cp.base(),
          "the other checks need it; " + ControlPlaneOptions.HINT))));
      out.flush();
      throw e;
    }
    results.add(Result.pass("control plane reachable at " + cp.base() + " (" + info.path("mode").asText()
        + " mode" + (info.path("source").asText().isEmpty() ? "" : ", " + info.path("source").asText()) + ")"));
    results.add(crds(info));
    JsonNode xds = settledXds(cp);
    results.addAll(sidecars(xds));
    results.add(rejected(xds));
    results.add(accepted(cp.json("/api/v1/policies")));
    results.add(problems(cp.json("/api/v1/problems")));
    out.print(render(results));
    long failed = results.stream().filter(r -> r.mark().equals(FAIL)).count();
    out.println();
    out.println(failed == 0 ? "Status check results are " + PASS : failed + " check" + (failed == 1 ? "" : "s") + " failed " + FAIL);
    out.flush();
    if (failed > 0) {
      throw new CliException(1, failed + " check" + (failed == 1 ? "" : "s") + " failed");
    }
  }

  static String render(List<Result> results) {
    StringBuilder out = new StringBuilder();
    for (Result r : results) {
      out.append(r.mark()).append(' ').append(r.what()).append('\n');
      if (!r.fix().isEmpty()) {
        out.append("    ").append(r.fix().replace("\n", "\n    ")).append('\n');
      }
    }
    return out.toString();
  }

  static Result crds(JsonNode info) {
    JsonNode crds = info.path("crds");
    if (crds.isMissingNode() || crds.isNull()) {
      return Result.skip("CRDs: not checked in " + info.path("mode").asText("local")
          + " mode (policies come from the manifests folder, not the Kubernetes API)");
    }
    List<String> missing = texts(crds.path("missing"));
    if (missing.isEmpty()) {
      return Result.pass("CRDs present (" + String.join(", ", texts(crds.path("present"))) + ")");
    }
    return Result.fail("CRDs missing: " + String.join(", ", missing),
        "install them: kubectl apply -f crds/ (or helm upgrade --install corral helm/corral -n corral-system)");
  }

  /** /api/v1/xds once nothing is being published and no sidecar is behind, or after a few tries. */
  private static JsonNode settledXds(Http cp) {
    JsonNode xds = cp.json("/api/v1/xds");
    for (int i = 1; i < SETTLE_ATTEMPTS && !settled(xds); i++) {
      try {
        Thread.sleep(SETTLE_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      xds = cp.json("/api/v1/xds");
    }
    return xds;
  }

  private static boolean settled(JsonNode xds) {
    if (xds.path("publishing").asBoolean(false)) {
      return false;
    }
    for (JsonNode s : xds.path("sidecars")) {
      if (!s.path("upToDate").asBoolean(true)) {
        return false;
      }
    }
    return true;
  }

  static List<Result> sidecars(JsonNode xds) {
    JsonNode sidecars = xds.path("sidecars");
    int n = sidecars.size();
    if (n == 0) {
      return List.of(Result.fail("no sidecar is connected",
          "in a cluster: label the namespace corral.dev/inject=enabled and restart its pods;\n"
              + "in local mode: start sidecars whose bootstrap's ads_config points at the control plane's xDS port (docs/local-mode.md)"));
    }
    List<Result> out = new ArrayList<>();
    out.add(Result.pass(n + " sidecar" + (n == 1 ? "" : "s") + " connected"));
    List<String> behind = new ArrayList<>();
    for (JsonNode s : sidecars) {
      if (!s.path("upToDate").asBoolean(true)) {
        behind.add(s.path("nodeId").asText() + " (" + String.join(",", texts(s.path("behind"))) + ")");
      }
    }
    if (behind.isEmpty()) {
      out.add(Result.pass("sidecars on the latest configuration version"));
    } else {
      out.add(Result.fail(behind.size() + " of " + n + " sidecars not on the latest version: " + String.join(", ", behind),
          "a NACK holds a sidecar back (see the rejected-policies check and corralctl config POD);\n"
              + "otherwise re-run in a few seconds, and check the control plane's log"));
    }
    return out;
  }

  static Result rejected(JsonNode xds) {
    JsonNode rejected = xds.path("rejectedPolicies");
    if (rejected.isEmpty()) {
      return Result.pass("no policy rejected by a sidecar");
    }
    List<String> lines = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = rejected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      lines.add(e.getKey() + ": " + e.getValue().path("message").asText());
    }
    return Result.fail(rejected.size() + " polic" + (rejected.size() == 1 ? "y" : "ies") + " rejected by a sidecar",
        String.join("\n", lines) + "\nfix the policy (corralctl policies shows the reason); the sidecars keep their last good config");
  }

  static Result accepted(JsonNode policies) {
    List<String> refused = new ArrayList<>();
    int n = 0;
    for (JsonNode p : policies.path("policies")) {
      n++;
      JsonNode a = p.path("accepted");
      if (!"True".equals(a.path("status").asText())) {
        refused.add(p.path("kind").asText() + " " + p.path("namespace").asText() + "/" + p.path("name").asText()
            + ": " + a.path("reason").asText() + ": " + a.path("message").asText());
      }
    }
    if (refused.isEmpty()) {
      return Result.pass(n + " polic" + (n == 1 ? "y" : "ies") + " accepted");
    }
    return Result.fail(refused.size() + " of " + n + " policies not accepted",
        String.join("\n", refused) + "\nfix them and re-apply (corralctl policies lists their status)");
  }

  static Result problems(JsonNode problems) {
    JsonNode list = problems.path("problems");
    if (list.isEmpty()) {
      return Result.pass("no source problems");
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode p : list) {
      String line = p.path("line").asInt() > 0 ? ":" + p.path("line").asInt() : "";
      String object = p.path("object").asText().isEmpty() ? "" : p.path("object").asText() + ": ";
      String field = p.path("field").asText().isEmpty() ? "" : p.path("field").asText() + ": ";
      lines.add(p.path("source").asText() + line + ": " + object + field + p.path("message").asText());
    }
    return Result.fail(list.size() + " source problem" + (list.size() == 1 ? "" : "s")
        + " (refused manifests; their last good version stays in force)",
        String.join("\n", lines) + "\nfix the file (or object) named; the change is picked up within a second");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
