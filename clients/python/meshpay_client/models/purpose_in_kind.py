from enum import Enum

class PurposeInKind(str, Enum):
    CREDITS = "credits"
    ESCROW = "escrow"
    INVOICE = "invoice"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
