"""Names shared by the API, the workflows and the worker: task queue, search attributes, ids, keys."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

TASK_QUEUE = "meshpay"

# Registered at dev-server start (cli run) and in test environments; kept current by workflows.
SA_ESCROW_STATE = SearchAttributeKey.for_keyword("EscrowState")
SA_CONTRACT_ID = SearchAttributeKey.for_keyword("ContractId")
SA_PAYER_ID = SearchAttributeKey.for_keyword("PayerId")
SA_PAYEE_ID = SearchAttributeKey.for_keyword("PayeeId")
SA_PAYMENT_STATUS = SearchAttributeKey.for_keyword("PaymentStatus")
SA_PAYMENT_PROVIDER = SearchAttributeKey.for_keyword("PaymentProvider")
SA_INVOICE_STATUS = SearchAttributeKey.for_keyword("InvoiceStatus")
SA_ACCOUNT_ID = SearchAttributeKey.for_keyword("AccountId")

SEARCH_ATTRIBUTES = (
    SA_ESCROW_STATE,
    SA_CONTRACT_ID,
    SA_PAYER_ID,
    SA_PAYEE_ID,
    SA_PAYMENT_STATUS,
    SA_PAYMENT_PROVIDER,
    SA_INVOICE_STATUS,
    SA_ACCOUNT_ID,
)


def search_attribute_flags() -> list[str]:
    """`temporal server start-dev` flags that register every search attribute."""
    flags: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        flags += ["--search-attribute", f"{key.name}=Keyword"]
    return flags


# Workflow ids are business ids: the first line of idempotency.
def payment_workflow_id(payment_id: str) -> str:
    return f"payment-{payment_id}"


def escrow_workflow_id(contract_id: str) -> str:
    return f"escrow-{contract_id}"


def billing_workflow_id(account_id: str, period: str) -> str:
    return f"billing-{account_id}-{period}"


def subscription_workflow_id(subscription_id: str) -> str:
    return f"subscription-{subscription_id}"


def payout_workflow_id(payout_id: str) -> str:
    return f"payout-{payout_id}"
