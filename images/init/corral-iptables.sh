#!/bin/sh
# corral-iptables.sh: redirect a pod's TCP traffic through its Corral sidecar (the init container).
#
#   corral-iptables.sh            install (or replace) Corral's rules in the nat table
#   corral-iptables.sh --dry-run  print the rules (iptables-restore input) and change nothing
#   corral-iptables.sh --clean    remove Corral's rules and chains
#
# Configured only by environment variables (set by the injection webhook; docs/interception.md):
#   CORRAL_PROXY_UID               uid of the sidecar, whose own traffic is never redirected (1337)
#   CORRAL_OUTBOUND_PORT           the sidecar's outbound listener (15001)
#   CORRAL_INBOUND_PORT            the sidecar's inbound listener (15006)
#   CORRAL_INBOUND_PORTS           app ports whose inbound traffic is redirected: "8080,9090", "*"
#                                  or "" for none (unset: "*")
#   CORRAL_EXCLUDE_INBOUND_PORTS   inbound ports never redirected, besides the sidecar's own ("")
#   CORRAL_EXCLUDE_OUTBOUND_PORTS  destination ports never redirected ("")
#   CORRAL_EXCLUDE_OUTBOUND_CIDRS  destination CIDRs never redirected ("")
# Exit codes: 0 done, 1 iptables failed, 2 bad configuration (the message names the variable).
set -eu

PROXY_UID=${CORRAL_PROXY_UID:-1337}
OUTBOUND_PORT=${CORRAL_OUTBOUND_PORT:-15001}
INBOUND_PORT=${CORRAL_INBOUND_PORT:-15006}
# Unset: every inbound port; set but empty: none.
INBOUND_PORTS=${CORRAL_INBOUND_PORTS-*}
EXCLUDE_INBOUND_PORTS=${CORRAL_EXCLUDE_INBOUND_PORTS:-}
EXCLUDE_OUTBOUND_PORTS=${CORRAL_EXCLUDE_OUTBOUND_PORTS:-}
EXCLUDE_OUTBOUND_CIDRS=${CORRAL_EXCLUDE_OUTBOUND_CIDRS:-}
# The sidecar's own ports are never redirected inbound: its listeners, admin (15000) and the
# kubelet-probe / Prometheus port (15020).
SIDECAR_PORTS="15000,15020"

CHAINS="CORRAL_INBOUND CORRAL_IN_REDIRECT CORRAL_OUTPUT CORRAL_REDIRECT"

die() {
  echo "corral-iptables: $*" >&2
  exit 2
}

# Splits a comma list into words; empty items are dropped.
words() {
  echo "$1" | tr ',' ' '
}

check_port() { # VAR value
  case "$2" in
    '' | *[!0-9]*) die "$1: \"$2\" is not a port (expected: 1..65535)" ;;
  esac
  if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
    die "$1: $2 (expected: 1..65535)"
  fi
}

check_port_list() { # VAR list
  for p in $(words "$2"); do
    check_port "$1" "$p"
  done
}

check_config() {
  case "$PROXY_UID" in
    '' | *[!0-9]*) die "CORRAL_PROXY_UID: \"$PROXY_UID\" (expected: a numeric uid)" ;;
  esac
  check_port CORRAL_OUTBOUND_PORT "$OUTBOUND_PORT"
  check_port CORRAL_INBOUND_PORT "$INBOUND_PORT"
  if [ "$INBOUND_PORTS" != "*" ]; then
    check_port_list CORRAL_INBOUND_PORTS "$INBOUND_PORTS"
  fi
  check_port_list CORRAL_EXCLUDE_INBOUND_PORTS "$EXCLUDE_INBOUND_PORTS"
  check_port_list CORRAL_EXCLUDE_OUTBOUND_PORTS "$EXCLUDE_OUTBOUND_PORTS"
  for cidr in $(words "$EXCLUDE_OUTBOUND_CIDRS"); do
    if ! echo "$cidr" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?$'; then
      die "CORRAL_EXCLUDE_OUTBOUND_CIDRS: \"$cidr\" (expected: IPv4 CIDRs such as 10.0.0.0/8, comma-separated)"
    fi
  done
}

# The rules, as iptables-restore input. Declaring a chain creates it or flushes it, so a re-run
# replaces Corral's rules and never touches anybody else's.
rules() {
  echo "*nat"
  for chain in $CHAINS; do
    echo ":$chain - [0:0]"
  done
  # Inbound: traffic for the app's ports goes to the inbound listener.
  for p in $(words "$OUTBOUND_PORT,$INBOUND_PORT,$SIDECAR_PORTS,$EXCLUDE_INBOUND_PORTS"); do
    echo "-A CORRAL_INBOUND -p tcp --dport $p -j RETURN"
  done
  if [ "$INBOUND_PORTS" = "*" ]; then
    echo "-A CORRAL_INBOUND -p tcp -j CORRAL_IN_REDIRECT"
  else
    for p in $(words "$INBOUND_PORTS"); do
      echo "-A CORRAL_INBOUND -p tcp --dport $p -j CORRAL_IN_REDIRECT"
    done
  fi
  echo "-A CORRAL_IN_REDIRECT -p tcp -j REDIRECT --to-ports $INBOUND_PORT"
  # Outbound: everything the app connects to goes to the outbound listener, except the sidecar's
  # own connections (or they would loop), loopback, and what is excluded.
  echo "-A CORRAL_OUTPUT -m owner --uid-owner $PROXY_UID -j RETURN"
  echo "-A CORRAL_OUTPUT -d 127.0.0.0/8 -j RETURN"
  echo "-A CORRAL_OUTPUT -o lo -j RETURN"
  for cidr in $(words "$EXCLUDE_OUTBOUND_CIDRS"); do
    echo "-A CORRAL_OUTPUT -d $cidr -j RETURN"
  done
  for p in $(words "$EXCLUDE_OUTBOUND_PORTS"); do
    echo "-A CORRAL_OUTPUT -p tcp --dport $p -j RETURN"
  done
  echo "-A CORRAL_OUTPUT -p tcp -j CORRAL_REDIRECT"
  echo "-A CORRAL_REDIRECT -p tcp -j REDIRECT --to-ports $OUTBOUND_PORT"
  echo "-A PREROUTING -p tcp -j CORRAL_INBOUND"
  echo "-A OUTPUT -p tcp -j CORRAL_OUTPUT"
  echo "COMMIT"
}

# Like Istio: the variant that already holds rules (the node's kube-proxy wrote them), else nft.
pick_iptables() {
  legacy=-1
  nft=-1
  if command -v iptables-legacy-save >/dev/null 2>&1; then
    legacy=$(iptables-legacy-save 2>/dev/null | grep -c '^-' || true)
  fi
  if command -v iptables-nft-save >/dev/null 2>&1; then
    nft=$(iptables-nft-save 2>/dev/null | grep -c '^-' || true)
  fi
  if [ "$legacy" -gt 0 ] && [ "$legacy" -gt "$nft" ]; then
    IPTABLES=iptables-legacy
  elif [ "$nft" -ge 0 ]; then
    IPTABLES=iptables-nft
  elif [ "$legacy" -ge 0 ]; then
    IPTABLES=iptables-legacy
  elif command -v iptables >/dev/null 2>&1; then
    IPTABLES=iptables
  else
    echo "corral-iptables: no iptables found (install iptables: nft or legacy)" >&2
    exit 1
  fi
}

# Removes the jumps into Corral's chains (each may have been added more than once).
remove_jumps() {
  while "$IPTABLES" -t nat -C PREROUTING -p tcp -j CORRAL_INBOUND 2>/dev/null; do
    "$IPTABLES" -t nat -D PREROUTING -p tcp -j CORRAL_INBOUND
  done
  while "$IPTABLES" -t nat -C OUTPUT -p tcp -j CORRAL_OUTPUT 2>/dev/null; do
    "$IPTABLES" -t nat -D OUTPUT -p tcp -j CORRAL_OUTPUT
  done
}

clean() {
  remove_jumps
  for chain in $CHAINS; do
    "$IPTABLES" -t nat -F "$chain" 2>/dev/null || true
  done
  for chain in $CHAINS; do
    "$IPTABLES" -t nat -X "$chain" 2>/dev/null || true
  done
}

main() {
  mode=install
  for arg in "$@"; do
    case "$arg" in
      --dry-run) mode=dry-run ;;
      --clean) mode=clean ;;
      -h | --help)
        awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"
        exit 0
        ;;
      *) die "unknown argument \"$arg\" (expected: --dry-run or --clean)" ;;
    esac
  done
  check_config
  case "$mode" in
    dry-run)
      rules
      ;;
    clean)
      pick_iptables
      clean
      echo "corral-iptables: removed Corral's rules ($IPTABLES)"
      ;;
    install)
      pick_iptables
      remove_jumps
      rules | "$IPTABLES-restore" --noflush
      echo "corral-iptables: outbound -> :$OUTBOUND_PORT, inbound ($INBOUND_PORTS) -> :$INBOUND_PORT, uid $PROXY_UID excluded ($IPTABLES)"
      ;;
  esac
}

main "$@"
