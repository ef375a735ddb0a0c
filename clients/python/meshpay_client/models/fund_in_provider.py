from enum import Enum

class FundInProvider(str, Enum):
    CREDITS = "credits"
    CRYPTO = "crypto"
    PAYPAL = "paypal"
    STRIPE = "stripe"

    def __str__(self) -> str:
        return str(self.value)
