"""A real Better Auth server (the frontend's own configuration) for integration tests."""

import json
import os
import secrets
import select
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

FRONTEND_DIR = Path(__file__).resolve().parents[3] / "frontend"
TSX = FRONTEND_DIR / "node_modules" / ".bin" / "tsx"
STARTUP_SECONDS = 90


@dataclass
class Issuer:
    url: str
    jwks_url: str
    issuer: str

    def sign_up(self, name: str = "Test User") -> tuple[str, str]:
        """Signs a new user up over HTTP; returns (user id, JWT from GET /api/auth/token)."""
        email = f"{secrets.token_hex(6)}@example.com"
        with httpx.Client(base_url=self.url, headers={"Origin": self.url}, timeout=30) as client:
            signed_up = client.post(
                "/api/auth/sign-up/email",
                json={"name": name, "email": email, "password": "correct horse battery"},
            )
            assert signed_up.status_code == 200, signed_up.text
            user_id = signed_up.json()["user"]["id"]
            token = client.get("/api/auth/token")
            assert token.status_code == 200, token.text
            return user_id, token.json()["token"]


def _unavailable(message: str) -> None:
    if os.environ.get("CI") or os.environ.get("REQUIRE_BETTER_AUTH") == "1":
        pytest.fail(message)
    pytest.skip(message + " (run `npm install` in frontend/; CI treats this as a failure)")


# The issuer must run with only the settings a test gives it: a developer's shell or the Postgres run
# of this suite may export DATABASE_URL, AUTH_MODE or secrets meant for the backend.
_APP_SETTING_PREFIXES = ("AUTH_", "BETTER_AUTH_", "JWT_", "DATABASE_URL")


def _environment_without_app_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_APP_SETTING_PREFIXES)}


@contextmanager
def better_auth_issuer(**env: str) -> Iterator[Issuer]:
    if not TSX.exists():
        _unavailable("frontend dependencies are not installed")
    process = subprocess.Popen(
        [str(TSX), "scripts/auth-issuer.ts"],
        cwd=FRONTEND_DIR,
        env={**_environment_without_app_settings(), "PORT": "0", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line:
            process.kill()
            _, errors = process.communicate(timeout=10)
            pytest.fail(f"Better Auth issuer did not start:\n{errors[-3000:]}")
        info = json.loads(line)
        yield Issuer(url=info["url"], jwks_url=info["jwksUrl"], issuer=info["issuer"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
