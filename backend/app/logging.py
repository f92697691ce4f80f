"""Structured (JSON) logs for security events; tokens and secrets never reach a log record."""

import json
import logging
import re
from typing import Any

# Anything shaped like a JWS (base64url JSON header "eyJ…" and two more segments).
_TOKEN_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")

# Attributes every LogRecord has; anything else was passed in `extra=` and is structured data.
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRIBUTES
        )
        return json.dumps(entry, default=str)


class RedactTokens(logging.Filter):
    """Masks token-shaped strings, e.g. a token a misbehaving client put in a URL's query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_LIKE.sub("[redacted]", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN_LIKE.sub("[redacted]", record.msg)
        return True


def configure_logging() -> None:
    """Security events as JSON lines on stderr, once per process; access logs never show a token."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
    # This app's security events, and those of the verification package (refusals, JWKS fetches).
    for name in ("app", "better_auth_jwt"):
        logger = logging.getLogger(name)
        if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            continue
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
