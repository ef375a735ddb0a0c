from enum import Enum

class CreateEscrowInReleasePolicy(str, Enum):
    SCORE_ONLY = "score_only"
    SCORE_OR_SIGNATURES = "score_or_signatures"
    SIGNATURES_ONLY = "signatures_only"

    def __str__(self) -> str:
        return str(self.value)
