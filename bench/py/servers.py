"""The four apps the load test compares, each built from the backend's own `create_app`.

Served by uvicorn with `--factory`; every variant reads the same settings from the environment
(DATABASE_URL, BETTER_AUTH_URL, AUTH_JWKS_URL) and differs only in how `get_current_user` is answered:

- `ours`: the backend as shipped (Bearer JWT verified locally against the cached JWKS);
- `bypass`: no verification, the user named in the path (the floor: the handler without auth);
- `session_lookup`: asks Better Auth's `/api/auth/get-session` on every request, forwarding the
  session cookie, through one pooled keep-alive httpx.AsyncClient and no artificial delay;
- `bridge`: `fastapi-better-auth-bridge` in its JWKS mode (Mode B), set up as its README's
  quickstart says: `BetterAuth(verifiers=[JwtVerifier(base_url=...)])`, defaults otherwise.

This module is for the benchmark only; it is never imported by the backend.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, status

from app.application import create_app
from app.auth.dependencies import AuthenticatedUser, get_current_user


def ours() -> FastAPI:
    return create_app()


def bypass() -> FastAPI:
    app = create_app()

    async def unverified_user(user_id: str) -> AuthenticatedUser:
        # No verification at all: whoever the path names (so the path check always passes).
        # Async like the real dependency: a sync one would cost a thread hop per request.
        return AuthenticatedUser(id=user_id, email=None, name=None)

    app.dependency_overrides[get_current_user] = unverified_user
    return app


def session_lookup() -> FastAPI:
    app = create_app()
    issuer_url = os.environ["BENCH_ISSUER_URL"]
    # One client for the whole process: keep-alive connections to the issuer are reused.
    client = httpx.AsyncClient(
        base_url=issuer_url,
        timeout=10,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
    )
    inner_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner_lifespan(app) as state:
            yield state
        await client.aclose()

    app.router.lifespan_context = lifespan

    async def user_from_session(request: Request) -> AuthenticatedUser:
        cookie = request.headers.get("cookie")
        if not cookie:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "No session cookie")
        response = await client.get("/api/auth/get-session", headers={"cookie": cookie})
        body = response.json() if response.status_code == 200 else None
        if not body or not isinstance(body.get("user"), dict):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "No session")
        user = body["user"]
        return AuthenticatedUser(id=user["id"], email=user.get("email"), name=user.get("name"))

    app.dependency_overrides[get_current_user] = user_from_session
    return app


def bridge() -> FastAPI:
    from fastapi_better_auth import BetterAuth, JwtVerifier, Session, User

    app = create_app()
    auth = BetterAuth(verifiers=[JwtVerifier(base_url=os.environ["BENCH_ISSUER_URL"])])

    async def user_from_bridge(
        session: Annotated[Session[User], Depends(auth.current_session())],
    ) -> AuthenticatedUser:
        return AuthenticatedUser(
            id=session.user.id, email=session.user.email, name=session.user.name
        )

    app.dependency_overrides[get_current_user] = user_from_bridge
    return app
