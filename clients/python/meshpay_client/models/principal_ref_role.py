from enum import Enum

class PrincipalRefRole(str, Enum):
    ADMIN = "admin"
    AGENT = "agent"
    SERVICE = "service"

    def __str__(self) -> str:
        return str(self.value)
