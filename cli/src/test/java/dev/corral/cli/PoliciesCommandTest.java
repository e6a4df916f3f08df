package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesCommandTest {
  @Test
  void showsConditionsAndTheReasonAndMessageOfThoseNotTrue() throws Exception {
    JsonNode body = Http.JSON.readTree("""
        {"policies": [
          {"kind": "BalancePolicy", "namespace": "shop", "name": "images", "generation": 1, "target": "images",
           "summary": "LeastRequest",
           "accepted": {"type": "Accepted", "status": "True", "reason": "Accepted", "message": ""},
           "programmed": {"type": "Programmed", "status": "True", "reason": "Programmed", "message": "ACKed by 2 sidecars"}},
          {"kind": "BalancePolicy", "namespace": "shop", "name": "images-2", "generation": 1, "target": "images",
           "summary": "Random",
           "accepted": {"type": "Accepted", "status": "False", "reason": "Conflicted", "message": "BalancePolicy shop/images is older"},
           "programmed": {"type": "Programmed", "status": "False", "reason": "Pending", "message": "not in force"}}]}
        """);
    List<JsonNode> policies = new ArrayList<>();
    body.get("policies").forEach(policies::add);
    String out = PoliciesCommand.render(policies, false);
    assertThat(out).isEqualTo("""
        KIND            NAME       TARGET   SPEC           ACCEPTED             PROGRAMMED
        BalancePolicy   images     images   LeastRequest   True                 True
        BalancePolicy   images-2   images   Random         False (Conflicted)   False (Pending)

        Not True:
          BalancePolicy shop/images-2: Accepted Conflicted: BalancePolicy shop/images is older
          BalancePolicy shop/images-2: Programmed Pending: not in force
        """);
  }
}
