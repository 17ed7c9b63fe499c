#!/bin/sh
# The container's command: `aks-auth-sim start` with the state dir on the volume, listening on every
# interface of the container, and one `--public-host` per name in AKS_SIM_PUBLIC_HOST (space-separated:
# the names attendees' machines, a Service or an Ingress use). Arguments are passed on to `start`
# (e.g. `--scenario /config/scenario.yaml`); `docker run IMAGE status` and the like run that command.
set -eu
case "${1:-}" in
  ''|-*) ;;
  *) exec aks-auth-sim "$@" ;;
esac
set -- start --state-dir "${AKS_SIM_STATE_DIR:-/var/lib/aks-auth-sim}" \
  --host "${AKS_SIM_HOST:-0.0.0.0}" --port-base "${AKS_SIM_PORT_BASE:-8440}" "$@"
for name in ${AKS_SIM_PUBLIC_HOST:-}; do
  set -- "$@" --public-host "$name"
done
exec aks-auth-sim "$@"
