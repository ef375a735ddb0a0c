#!/bin/sh
# Registers meshpay's search attributes on the Temporal server (idempotent).
set -u
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name EscrowState --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name ContractId --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name PayerId --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name PayeeId --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name PaymentStatus --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name PaymentProvider --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name InvoiceStatus --type Keyword || true
temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --name AccountId --type Keyword || true
