package dev.corral.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Rbac} is exactly what the controller uses: every scenario runs on one mock API server,
 * then every request the controller's clients made (told apart by their User-Agent) must be allowed
 * by a rule, and every rule must have been used. The injection webhook's rules are checked the same
 * way by {@code WebhookServerTest} (its calls are not part of these scenarios).
 */
@EnableKubernetesMockClient(crud = true)
public class RbacTest {
  KubernetesMockServer server;
  KubernetesClient client;

  /** What RBAC checks for one request. */
  public record Access(String verb, String group, String resource) implements Comparable<Access> {
    @Override
    public int compareTo(Access o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
    }
  }

  @Test
  void rulesCoverEveryRequestOfTheScenariosAndNothingMore() throws Exception {
    MockCluster k8s = new MockCluster(server, client);
    try {
      Scenarios.policyReachesTheSnapshot(k8s);
      Scenarios.invalidPolicyKeepsTheLastValidConfig(k8s);
      Scenarios.newerPolicyIsConflicted(k8s);
      Scenarios.deletedTargetIsNotFound(k8s);
      Scenarios.notReadyAndTerminatingEndpointsLeaveEds(k8s);
      Scenarios.everyKindIsJudgedAndABadObjectDoesNotStopTheWatch(k8s);
      Scenarios.onlyTheLeaderWritesStatus(k8s);
    } finally {
      k8s.close();
    }

    Set<Access> used = new TreeSet<>();
    List<String> unparsed = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      if (!MockCluster.CONTROLLER_AGENT.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      Access a = access(r.getMethod(), r.getPath());
      if (a == null) {
        unparsed.add(r.getMethod() + " " + r.getPath());
      } else {
        used.add(a);
      }
    }
    assertThat(unparsed).as("requests that are not resource requests").isEmpty();
    assertThat(used).as("requests made").isNotEmpty();
    for (Access a : used) {
      assertThat(Rbac.allows(a.group(), a.resource(), a.verb())).as("Rbac allows %s (requests made: %s)", a, used).isTrue();
    }
    Set<Access> granted = granted(rule -> rule.user() != Rbac.User.INJECTION_WEBHOOK);
    assertThat(used).as("every rule is used").containsAll(granted);
    assertThat(granted).as("every request is granted").containsAll(used);
  }

  /** What the rules {@code which} grant, verb by verb. */
  public static Set<Access> granted(java.util.function.Predicate<Rbac.Rule> which) {
    Set<Access> granted = new TreeSet<>();
    for (Rbac.Rule rule : Rbac.RULES) {
      if (which.test(rule)) {
        rule.verbs().forEach(v -> granted.add(new Access(v, rule.apiGroup(), rule.resource())));
      }
    }
    return granted;
  }

  /** RBAC's view of a request: {@code /api/v1/...} or {@code /apis/group/version/...}, verb from method and query. */
  public static Access access(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String[] s = path.replaceFirst("^/", "").split("/");
    String group;
    int i;
    if (s.length >= 3 && s[0].equals("api")) {
      group = "";
      i = 2;
    } else if (s.length >= 4 && s[0].equals("apis")) {
      group = s[1];
      i = 3;
    } else {
      return null;
    }
    if (s.length > i + 2 && s[i].equals("namespaces")) {
      i += 2; // namespaced resource
    }
    String resource = s[i];
    String name = s.length > i + 1 ? s[i + 1] : null;
    String sub = s.length > i + 2 ? s[i + 2] : null;
    if (sub != null) {
      resource = resource + "/" + sub;
    }
    boolean watch = List.of(query.split("&")).contains("watch=true");
    String verb = switch (method) {
      case "GET" -> watch ? "watch" : name == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return new Access(verb, group, resource);
  }
}
