#!/usr/bin/env bash
# Corral on a real cluster: creates a kind cluster, builds and loads the images, installs the chart,
# deploys the demo app in a meshed namespace, applies a BalancePolicy and checks that plain HTTP
# calls from the caller pod are balanced over all 3 `images` pods, that a call to a non-mesh
# address still works, and that the control plane's stats show the traffic.
#
# Needs: docker, kind, kubectl, helm, a JDK 17+ (for corralctl). Not run on the development
# machines or in CI (no container engine there): see docs/install.md.
#
# Environment:
#   CLUSTER_NAME   kind cluster name (default corral-e2e)
#   KEEP_CLUSTER   1: keep the cluster afterwards (default: deleted, also on failure)
#   CORRAL_HA      1: install with values-ha.yaml (2 controllers on 2 nodes, PodDisruptionBudget)
#   SKIP_BUILD     1: do not build the images (use corral/*:$TAG already in docker)
#   TAG            image tag (default e2e)
#   CORRALCTL      command running corralctl (default: java -jar cli/target/corralctl.jar)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/e2e/kind"
CLUSTER_NAME=${CLUSTER_NAME:-corral-e2e}
TAG=${TAG:-e2e}
NS=corral-system
APP_NS=shop
CALLS=30
PF_PID=""

log() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed"
  done
}

cleanup() {
  local rc=$?
  if [[ -n "$PF_PID" ]]; then kill "$PF_PID" 2>/dev/null || true; fi
  if [[ $rc -ne 0 ]] && kubectl config get-contexts "kind-$CLUSTER_NAME" >/dev/null 2>&1; then
    log "diagnostics (exit $rc)"
    kubectl get pods -A -o wide || true
    kubectl -n "$NS" logs deployment/corral-controller --tail=100 || true
    kubectl -n "$APP_NS" get balancepolicies -o yaml || true
  fi
  if [[ "${KEEP_CLUSTER:-0}" != 1 ]]; then
    kind delete cluster --name "$CLUSTER_NAME" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}

create_cluster() {
  log "kind cluster $CLUSTER_NAME"
  if ! kind get clusters | grep -qx "$CLUSTER_NAME"; then
    kind create cluster --name "$CLUSTER_NAME" --config "$HERE/kind.yaml" --wait 120s
  fi
  kubectl config use-context "kind-$CLUSTER_NAME" >/dev/null
}

build_and_load_images() {
  local image
  for image in controller sidecar init; do
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
      log "docker build corral/$image:$TAG"
      docker build -f "$ROOT/images/$image/Dockerfile" -t "corral/$image:$TAG" "$ROOT"
    fi
    kind load docker-image --name "$CLUSTER_NAME" "corral/$image:$TAG"
  done
}

install_chart() {
  log "helm install corral"
  local extra=()
  if [[ "${CORRAL_HA:-0}" == 1 ]]; then extra+=(-f "$ROOT/helm/corral/values-ha.yaml"); fi
  # pullPolicy Never: the images exist only inside the kind nodes.
  helm upgrade --install corral "$ROOT/helm/corral" --namespace "$NS" --create-namespace \
    --set image.tag="$TAG" --set image.pullPolicy=Never "${extra[@]}" --wait --timeout 5m
  kubectl -n "$NS" rollout status deployment/corral-controller --timeout=120s
}

deploy_demo() {
  log "demo app in namespace $APP_NS (labelled for injection)"
  kubectl create namespace "$APP_NS" --dry-run=client -o yaml | kubectl apply -f -
  kubectl label namespace "$APP_NS" corral.dev/inject=enabled --overwrite
  kubectl apply -f "$HERE/demo.yaml"
  kubectl -n "$APP_NS" rollout status deployment/images --timeout=180s
  kubectl -n "$APP_NS" rollout status deployment/caller --timeout=180s

  # Every pod of the namespace got the sidecar (and the init container): more than one container.
  local pod containers
  while read -r pod containers; do
    [[ "$containers" == *" "* ]] || fail "pod $pod has no sidecar (containers: $containers)"
  done < <(kubectl -n "$APP_NS" get pods -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.containers[*].name}{"\n"}{end}')
}

apply_policies() {
  log "policies"
  kubectl apply -f "$HERE/policies.yaml"
  kubectl -n "$APP_NS" wait balancepolicy/images --for=condition=Accepted --timeout=60s
  kubectl -n "$APP_NS" wait balancepolicy/images --for=condition=Programmed --timeout=60s
}

check_balancing() {
  log "$CALLS calls from the caller pod to http://images.$APP_NS:8080/"
  local answers expected seen
  # Plain curl, no proxy settings: iptables sends the connection to the caller's sidecar.
  answers=$(kubectl -n "$APP_NS" exec deployment/caller -c curl -- \
    sh -c "for i in \$(seq $CALLS); do curl -fsS --max-time 5 http://images.$APP_NS:8080/; done")
  printf '%s\n' "$answers" | sort | uniq -c >&2
  expected=$(kubectl -n "$APP_NS" get pods -l app=images -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
  seen=$(printf '%s\n' "$answers" | sort -u)
  [[ "$seen" == "$expected" ]] || fail "answers came from [$seen], expected every images pod [$expected]"
  [[ $(printf '%s\n' "$answers" | wc -l) -eq $CALLS ]] || fail "expected $CALLS answers"

  log "a call to a non-mesh destination passes through (the API server over TLS)"
  local code
  code=$(kubectl -n "$APP_NS" exec deployment/caller -c curl -- \
    curl -ks -o /dev/null -w '%{http_code}' --max-time 5 https://kubernetes.default.svc/version)
  [[ "$code" =~ ^(200|401|403)$ ]] || fail "non-mesh call answered $code"
}

check_stats() {
  log "corralctl stat through a port-forward"
  kubectl -n "$NS" port-forward service/corral-controller 15014:15014 >/dev/null 2>&1 &
  PF_PID=$!
  local i
  for i in $(seq 30); do
    curl -fsS http://127.0.0.1:15014/healthz >/dev/null 2>&1 && break
    [[ $i -eq 30 ]] && fail "port-forward to the controller did not come up"
    sleep 1
  done
  local json
  json=$(curl -fsS http://127.0.0.1:15014/api/v1/stats)
  grep -q images <<<"$json" || fail "/api/v1/stats does not show images"

  local corralctl stat
  if [[ -n "${CORRALCTL:-}" ]]; then
    read -r -a corralctl <<<"$CORRALCTL"
  else
    (cd "$ROOT" && ./mvnw -q -B -pl cli -am package -DskipTests)
    corralctl=(java -jar "$ROOT/cli/target/corralctl.jar")
  fi
  stat=$("${corralctl[@]}" stat --server http://127.0.0.1:15014)
  printf '%s\n' "$stat" >&2
  grep -q images <<<"$stat" || fail "corralctl stat does not show images"
}

main() {
  require docker kind kubectl helm curl java
  trap cleanup EXIT
  create_cluster
  build_and_load_images
  install_chart
  deploy_demo
  apply_policies
  check_balancing
  check_stats
  log "OK: balanced over 3 pods, pass-through works, stats show the traffic"
}

main "$@"
