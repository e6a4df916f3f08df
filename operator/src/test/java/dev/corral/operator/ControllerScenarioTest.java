package dev.corral.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's proof list on fabric8's mock API server in CRUD mode, one scenario per test. */
@EnableKubernetesMockClient(crud = true)
class ControllerScenarioTest {
  KubernetesMockServer server;
  KubernetesClient client;
  private MockCluster k8s;

  @BeforeEach
  void setUp() {
    k8s = new MockCluster(server, client);
  }

  @AfterEach
  void tearDown() {
    k8s.close();
  }

  @Test
  void serviceSliceAndPolicyReachTheSnapshotAndStatusIsAccepted() throws Exception {
    Scenarios.policyReachesTheSnapshot(k8s);
  }

  @Test
  void invalidPolicyIsRefusedAndItsLastValidVersionStays() throws Exception {
    Scenarios.invalidPolicyKeepsTheLastValidConfig(k8s);
  }

  @Test
  void newerPolicyOnTheSameServiceIsConflicted() throws Exception {
    Scenarios.newerPolicyIsConflicted(k8s);
  }

  @Test
  void deletedTargetGivesTargetNotFound() throws Exception {
    Scenarios.deletedTargetIsNotFound(k8s);
  }

  @Test
  void notReadyEndpointLeavesEdsAndTerminatingOneIsDrained() throws Exception {
    Scenarios.notReadyAndTerminatingEndpointsLeaveEds(k8s);
  }

  @Test
  void everyPolicyKindIsJudgedAndAnUnbindableObjectDoesNotStopItsWatch() throws Exception {
    Scenarios.everyKindIsJudgedAndABadObjectDoesNotStopTheWatch(k8s);
  }

  @Test
  void twoControllersOnlyTheLeaderWritesStatus() throws Exception {
    Scenarios.onlyTheLeaderWritesStatus(k8s);
  }
}
