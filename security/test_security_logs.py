"""Structured security logs: every backend started in this run wrote its refusals (by reason class),
JWKS refresh failures and database outages as JSON lines on stderr, and no log line of any of them
(stderr or the access log on stdout) contains a token, a secret or a password used in the run.
Runs last, over everything the suite made the backends do."""

import json
from typing import Any

from harness import ALL_BACKENDS, FIGURES, REASONS_SEEN, SECRETS


def all_events() -> list[dict[str, Any]]:
    return [event for backend in ALL_BACKENDS for event in backend.events()]


def test_security_events_are_json_lines_with_reason_classes() -> None:
    assert ALL_BACKENDS, "no backend ran"
    for backend in ALL_BACKENDS:
        for line in backend.stderr().splitlines():
            if '"logger": "app.' in line or '"logger": "better_auth_jwt.' in line:
                entry = json.loads(line)  # every security log line is one JSON object
                assert {"time", "level", "logger", "event"} <= set(entry), line
    events = all_events()
    reasons = {e["reason"] for e in events if e["event"] == "token_refused"}
    assert REASONS_SEEN <= reasons, f"refused but not logged: {REASONS_SEEN - reasons}"
    if FIGURES["attack_cases"] > 0:
        assert any(e["event"] == "path_user_mismatch" for e in events)
    kinds = {e["event"] for e in events}
    if any(b.name == "jwks-cold" for b in ALL_BACKENDS):
        assert {"jwks_refresh_failed", "jwks_waiting_for_issuer"} <= kinds
        failures = [e for e in events if e["event"] == "jwks_refresh_failed"]
        assert {e["keys_cached"] for e in failures} == {True}  # a cold start only waits
        waits = [e for e in events if e["event"] == "jwks_waiting_for_issuer"]
        assert all(set(e) >= {"error", "detail"} for e in failures + waits)


def test_no_log_contains_a_token_or_a_secret() -> None:
    texts = [backend.stderr() + backend.stdout() for backend in ALL_BACKENDS]
    needles = set()
    for secret in SECRETS:
        needles.add(secret)
        parts = secret.split(".")
        if len(parts) == 3:  # a token: its signature alone must not appear either
            needles.add(parts[2])
    needles = {n for n in needles if len(n) >= 16}
    for needle in needles:
        for backend, text in zip(ALL_BACKENDS, texts, strict=True):
            assert needle not in text, f"a token or secret appears in the log of {backend.name}"
    FIGURES["secrets_checked"] = len(needles)
    # The token sent in a query string reached the access log only redacted.
    if FIGURES["query_string_tokens"] > 0:
        assert any("[redacted]" in backend.stdout() for backend in ALL_BACKENDS)
