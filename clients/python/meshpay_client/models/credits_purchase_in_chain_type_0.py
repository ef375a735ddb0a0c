from enum import Enum

class CreditsPurchaseInChainType0(str, Enum):
    BTC = "BTC"
    ETH = "ETH"

    def __str__(self) -> str:
        return str(self.value)
