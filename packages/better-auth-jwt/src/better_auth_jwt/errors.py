"""Why a token was refused, and the two exceptions a verification can raise."""

from typing import Literal

# Every class of refusal a client can see in a 401's `reason` (also published in the OpenAPI schema).
RefusalReason = Literal[
    "missing_token",
    "invalid_scheme",
    "token_too_large",
    "malformed_token",
    "unsupported_algorithm",
    "crit_header",
    "missing_kid",
    "unknown_kid",
    "invalid_signature",
    "expired",
    "not_yet_valid",
    "invalid_issuer",
    "invalid_audience",
    "missing_claim",
    "invalid_claim",
    "revoked",
]


class TokenError(Exception):
    """A token was refused (401); `reason` is the class of failure reported to the client."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason: RefusalReason = reason
        self.message = message


class KeysUnavailable(Exception):
    """No verification keys could be obtained yet, e.g. the issuer is not up (503)."""


class RevocationsUnknown(Exception):
    """The current revocations are not known yet, e.g. just after start (503, DESIGN section 9)."""
