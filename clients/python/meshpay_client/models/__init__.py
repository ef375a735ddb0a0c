""" Contains all the data models used in inputs/outputs """

from .account_settings_in import AccountSettingsIn
from .account_settings_out import AccountSettingsOut
from .adjustment_out import AdjustmentOut
from .admin_account_settings_in import AdminAccountSettingsIn
from .admin_explain_response_admin_explain import AdminExplainResponseAdminExplain
from .agent_cost_out import AgentCostOut
from .agent_price_in import AgentPriceIn
from .agent_price_list import AgentPriceList
from .agent_price_out import AgentPriceOut
from .agent_profile_in import AgentProfileIn
from .agent_signals_out import AgentSignalsOut
from .api_key_created import ApiKeyCreated
from .api_key_in import ApiKeyIn
from .api_key_out import ApiKeyOut
from .attempt_out import AttemptOut
from .balance_out import BalanceOut
from .billing_run_in import BillingRunIn
from .billing_run_out import BillingRunOut
from .by_agent_out import ByAgentOut
from .cancel_in import CancelIn
from .change_in import ChangeIn
from .confirm_in import ConfirmIn
from .coupon_in import CouponIn
from .coupon_out import CouponOut
from .create_escrow_in import CreateEscrowIn
from .create_escrow_in_release_policy import CreateEscrowInReleasePolicy
from .create_payment_in import CreatePaymentIn
from .create_payment_in_chain_type_0 import CreatePaymentInChainType0
from .create_payment_in_provider import CreatePaymentInProvider
from .create_payout_in import CreatePayoutIn
from .credit_note_in import CreditNoteIn
from .credit_note_out import CreditNoteOut
from .credits_purchase_in import CreditsPurchaseIn
from .credits_purchase_in_chain_type_0 import CreditsPurchaseInChainType0
from .credits_purchase_in_provider import CreditsPurchaseInProvider
from .credits_purchase_out import CreditsPurchaseOut
from .credits_purchase_out_next_action import CreditsPurchaseOutNextAction
from .current_usage_out import CurrentUsageOut
from .deadlines_out import DeadlinesOut
from .deduct_in import DeductIn
from .deduct_out import DeductOut
from .deliver_in import DeliverIn
from .demand_in import DemandIn
from .destination_in import DestinationIn
from .destination_in_provider import DestinationInProvider
from .destination_out import DestinationOut
from .difference_out import DifferenceOut
from .dispute_in import DisputeIn
from .dispute_out import DisputeOut
from .earnings_list import EarningsList
from .earnings_out import EarningsOut
from .endpoint_created import EndpointCreated
from .endpoint_in import EndpointIn
from .endpoint_out import EndpointOut
from .endpoint_patch import EndpointPatch
from .entry_out import EntryOut
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .event_out import EventOut
from .event_out_detail import EventOutDetail
from .execution_out import ExecutionOut
from .execution_page import ExecutionPage
from .expiring import Expiring
from .fund_in import FundIn
from .fund_in_chain_type_0 import FundInChainType0
from .fund_in_provider import FundInProvider
from .grant_in import GrantIn
from .grant_out import GrantOut
from .hosted_pay_out import HostedPayOut
from .invoice_out import InvoiceOut
from .item_in import ItemIn
from .item_out import ItemOut
from .line_out import LineOut
from .low_balance_event_out import LowBalanceEventOut
from .mandate_in import MandateIn
from .mandate_out import MandateOut
from .meter_in import MeterIn
from .meter_out import MeterOut
from .method_in import MethodIn
from .method_out import MethodOut
from .operations_healthz_response_operations_healthz import OperationsHealthzResponseOperationsHealthz
from .page_api_key_out import PageApiKeyOut
from .page_destination_out import PageDestinationOut
from .page_dispute_out import PageDisputeOut
from .page_endpoint_out import PageEndpointOut
from .page_entry_out import PageEntryOut
from .page_invoice_out import PageInvoiceOut
from .page_low_balance_event_out import PageLowBalanceEventOut
from .page_mandate_out import PageMandateOut
from .page_method_out import PageMethodOut
from .page_payout_out import PagePayoutOut
from .page_plan_out import PagePlanOut
from .page_subscription_out import PageSubscriptionOut
from .payment_out import PaymentOut
from .payout_out import PayoutOut
from .plan_in import PlanIn
from .plan_out import PlanOut
from .plan_patch import PlanPatch
from .preview_line_out import PreviewLineOut
from .preview_out import PreviewOut
from .price_in import PriceIn
from .price_in_filters_type_0 import PriceInFiltersType0
from .price_out import PriceOut
from .pricing_list_rules_response_pricing_list_rules import PricingListRulesResponsePricingListRules
from .principal_ref import PrincipalRef
from .principal_ref_role import PrincipalRefRole
from .purpose_in import PurposeIn
from .purpose_in_kind import PurposeInKind
from .purpose_out import PurposeOut
from .quote_create import QuoteCreate
from .quote_out import QuoteOut
from .reconcile_report_out import ReconcileReportOut
from .redeem_in import RedeemIn
from .redeem_out import RedeemOut
from .redemption_out import RedemptionOut
from .refund_in import RefundIn
from .refund_out import RefundOut
from .reputation_in import ReputationIn
from .resend_in import ResendIn
from .resend_out import ResendOut
from .resolve_in import ResolveIn
from .rule_create import RuleCreate
from .rule_create_params import RuleCreateParams
from .rule_create_scope import RuleCreateScope
from .rule_create_type import RuleCreateType
from .rule_out import RuleOut
from .rule_out_params import RuleOutParams
from .rule_patch import RulePatch
from .rule_patch_params_type_0 import RulePatchParamsType0
from .rule_patch_scope_type_0 import RulePatchScopeType0
from .rule_patch_type_type_0 import RulePatchTypeType0
from .run_cost_out import RunCostOut
from .score_in import ScoreIn
from .settings_in import SettingsIn
from .settings_out import SettingsOut
from .sign_in import SignIn
from .stats_out import StatsOut
from .subscription_in import SubscriptionIn
from .subscription_out import SubscriptionOut
from .tax_out import TaxOut
from .tax_rate_in import TaxRateIn
from .tier_in import TierIn
from .usage_batch_in import UsageBatchIn
from .usage_batch_in_records_item import UsageBatchInRecordsItem
from .usage_batch_out import UsageBatchOut
from .usage_item_error import UsageItemError
from .usage_line_out import UsageLineOut
from .webhooks_crypto_response_webhooks_crypto import WebhooksCryptoResponseWebhooksCrypto
from .webhooks_paypal_response_webhooks_paypal import WebhooksPaypalResponseWebhooksPaypal
from .webhooks_stripe_response_webhooks_stripe import WebhooksStripeResponseWebhooksStripe

__all__ = (
    "AccountSettingsIn",
    "AccountSettingsOut",
    "AdjustmentOut",
    "AdminAccountSettingsIn",
    "AdminExplainResponseAdminExplain",
    "AgentCostOut",
    "AgentPriceIn",
    "AgentPriceList",
    "AgentPriceOut",
    "AgentProfileIn",
    "AgentSignalsOut",
    "ApiKeyCreated",
    "ApiKeyIn",
    "ApiKeyOut",
    "AttemptOut",
    "BalanceOut",
    "BillingRunIn",
    "BillingRunOut",
    "ByAgentOut",
    "CancelIn",
    "ChangeIn",
    "ConfirmIn",
    "CouponIn",
    "CouponOut",
    "CreateEscrowIn",
    "CreateEscrowInReleasePolicy",
    "CreatePaymentIn",
    "CreatePaymentInChainType0",
    "CreatePaymentInProvider",
    "CreatePayoutIn",
    "CreditNoteIn",
    "CreditNoteOut",
    "CreditsPurchaseIn",
    "CreditsPurchaseInChainType0",
    "CreditsPurchaseInProvider",
    "CreditsPurchaseOut",
    "CreditsPurchaseOutNextAction",
    "CurrentUsageOut",
    "DeadlinesOut",
    "DeductIn",
    "DeductOut",
    "DeliverIn",
    "DemandIn",
    "DestinationIn",
    "DestinationInProvider",
    "DestinationOut",
    "DifferenceOut",
    "DisputeIn",
    "DisputeOut",
    "EarningsList",
    "EarningsOut",
    "EndpointCreated",
    "EndpointIn",
    "EndpointOut",
    "EndpointPatch",
    "EntryOut",
    "ErrorDetail",
    "ErrorResponse",
    "EventOut",
    "EventOutDetail",
    "ExecutionOut",
    "ExecutionPage",
    "Expiring",
    "FundIn",
    "FundInChainType0",
    "FundInProvider",
    "GrantIn",
    "GrantOut",
    "HostedPayOut",
    "InvoiceOut",
    "ItemIn",
    "ItemOut",
    "LineOut",
    "LowBalanceEventOut",
    "MandateIn",
    "MandateOut",
    "MeterIn",
    "MeterOut",
    "MethodIn",
    "MethodOut",
    "OperationsHealthzResponseOperationsHealthz",
    "PageApiKeyOut",
    "PageDestinationOut",
    "PageDisputeOut",
    "PageEndpointOut",
    "PageEntryOut",
    "PageInvoiceOut",
    "PageLowBalanceEventOut",
    "PageMandateOut",
    "PageMethodOut",
    "PagePayoutOut",
    "PagePlanOut",
    "PageSubscriptionOut",
    "PaymentOut",
    "PayoutOut",
    "PlanIn",
    "PlanOut",
    "PlanPatch",
    "PreviewLineOut",
    "PreviewOut",
    "PriceIn",
    "PriceInFiltersType0",
    "PriceOut",
    "PricingListRulesResponsePricingListRules",
    "PrincipalRef",
    "PrincipalRefRole",
    "PurposeIn",
    "PurposeInKind",
    "PurposeOut",
    "QuoteCreate",
    "QuoteOut",
    "ReconcileReportOut",
    "RedeemIn",
    "RedeemOut",
    "RedemptionOut",
    "RefundIn",
    "RefundOut",
    "ReputationIn",
    "ResendIn",
    "ResendOut",
    "ResolveIn",
    "RuleCreate",
    "RuleCreateParams",
    "RuleCreateScope",
    "RuleCreateType",
    "RuleOut",
    "RuleOutParams",
    "RulePatch",
    "RulePatchParamsType0",
    "RulePatchScopeType0",
    "RulePatchTypeType0",
    "RunCostOut",
    "ScoreIn",
    "SettingsIn",
    "SettingsOut",
    "SignIn",
    "StatsOut",
    "SubscriptionIn",
    "SubscriptionOut",
    "TaxOut",
    "TaxRateIn",
    "TierIn",
    "UsageBatchIn",
    "UsageBatchInRecordsItem",
    "UsageBatchOut",
    "UsageItemError",
    "UsageLineOut",
    "WebhooksCryptoResponseWebhooksCrypto",
    "WebhooksPaypalResponseWebhooksPaypal",
    "WebhooksStripeResponseWebhooksStripe",
)
