from enum import Enum

class RuleCreateScope(str, Enum):
    AGENT = "agent"
    CATEGORY = "category"
    GLOBAL = "global"

    def __str__(self) -> str:
        return str(self.value)
