#!/bin/sh
# Waits for the Temporal frontend with the temporal CLI, makes sure the namespace exists, then
# registers meshpay's search attributes (idempotent). The api and worker start only after this
# job has completed successfully, so no workflow ever upserts an attribute the server lacks.
set -eu
: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
t() { temporal operator "$@" --address "$TEMPORAL_ADDRESS"; }

# retry N CMD...: run CMD until it succeeds, at most N times, 2 s apart.
retry() {
  n=$1; shift; i=0
  until "$@"; do
    i=$((i + 1))
    if [ "$i" -ge "$n" ]; then echo "gave up after $n attempts: $*"; return 1; fi
    sleep 2
  done
}

retry 60 t cluster health
t namespace describe -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 || t namespace create -n "$TEMPORAL_NAMESPACE"
# A new namespace takes a few seconds to reach every frontend's cache.
retry 30 t search-attribute list -n "$TEMPORAL_NAMESPACE" >/dev/null

register() {
  # "already exists" is success; any other failure is retried, then fails the job.
  out=$(t search-attribute create -n "$TEMPORAL_NAMESPACE" --name "$1" --type Keyword 2>&1) \
    || echo "$out" | grep -qi "already" || { echo "$out"; return 1; }
}
for name in EscrowState ContractId PayerId PayeeId PaymentStatus PaymentProvider InvoiceStatus AccountId; do
  retry 5 register "$name"
done
t search-attribute list -n "$TEMPORAL_NAMESPACE"
