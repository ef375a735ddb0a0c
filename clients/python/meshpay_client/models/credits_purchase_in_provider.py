from enum import Enum

class CreditsPurchaseInProvider(str, Enum):
    CRYPTO = "crypto"
    PAYPAL = "paypal"
    STRIPE = "stripe"

    def __str__(self) -> str:
        return str(self.value)
