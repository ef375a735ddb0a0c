from enum import Enum

class CreatePaymentInProvider(str, Enum):
    CREDITS = "credits"
    CRYPTO = "crypto"
    PAYPAL = "paypal"
    STRIPE = "stripe"

    def __str__(self) -> str:
        return str(self.value)
