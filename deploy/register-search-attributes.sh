#!/bin/sh
# Waits for the Temporal frontend with the temporal CLI, makes sure the namespace exists, then
# registers meshpay's search attributes (idempotent). The api and worker start only after this
# job has completed successfully, so no workflow ever upserts an attribute the server lacks.
set -eu
: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
attempt=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then echo "Temporal at $TEMPORAL_ADDRESS is not healthy"; exit 1; fi
  sleep 2
done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE"
for name in EscrowState ContractId PayerId PayeeId PaymentStatus PaymentProvider InvoiceStatus AccountId; do
  # "already exists" is fine; any other failure fails the job (and so holds back api and worker).
  out=$(temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" \
        --name "$name" --type Keyword 2>&1) || echo "$out" | grep -qi "already" || { echo "$out"; exit 1; }
done
temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE"
