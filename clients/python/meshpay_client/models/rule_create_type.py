from enum import Enum

class RuleCreateType(str, Enum):
    BULK = "bulk"
    FIXED = "fixed"
    REPUTATION = "reputation"
    SURGE = "surge"
    TIME = "time"

    def __str__(self) -> str:
        return str(self.value)
