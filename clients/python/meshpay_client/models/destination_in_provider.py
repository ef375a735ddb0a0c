from enum import Enum

class DestinationInProvider(str, Enum):
    PAYPAL = "paypal"
    STRIPE = "stripe"

    def __str__(self) -> str:
        return str(self.value)
