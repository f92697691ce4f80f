"""The five apps the load test compares, each built from the backend's own `create_app`.

Served by uvicorn with `--factory`, one variant per process; every variant reads the same settings
from the environment (DATABASE_URL, BETTER_AUTH_URL, AUTH_JWKS_URL) and differs only in the function
that answers the `get_current_user` dependency:

- `ours`: the backend as shipped (Bearer JWT verified locally against the cached JWKS);
- `ours_uncached`: the same with its cache of verified tokens off (what the cache buys);
- `bypass`: no verification, the user named in the path (the floor: the handler without auth);
- `session_lookup`: asks Better Auth's `/api/auth/get-session` on every request, forwarding the
  session cookie, through one pooled keep-alive httpx.AsyncClient and no artificial delay;
- `bridge`: `fastapi-better-auth-bridge` in its JWKS mode (Mode B), set up as its README's
  quickstart says: `BetterAuth(verifiers=[JwtVerifier(base_url=...)])`, defaults otherwise.

This module is for the benchmark only; it is never imported by the backend.
"""

import inspect
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from better_auth_jwt import AuthenticatedUser, get_current_user, require_path_user
from fastapi import Depends, FastAPI, HTTPException, Request, params, status
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute


def _calls(dependant: Dependant, target: Callable[..., object]) -> bool:
    return dependant.call is target or any(_calls(d, target) for d in dependant.dependencies)


def create_app_with(replacement: Callable[..., object]) -> FastAPI:
    """`create_app()` whose routes call `replacement` where they declare `get_current_user`.

    Not `app.dependency_overrides`: while any override is set, FastAPI re-analyses the signature
    of every dependency of every request, a cost the shipped app never pays. Instead the one
    `Depends(get_current_user)` marker (in `require_path_user`'s signature) is pointed at the
    replacement before the task routes are built (on import); each variant runs in its own process.
    """
    annotation = inspect.signature(require_path_user).parameters["user"].annotation
    for marker in annotation.__metadata__:
        if isinstance(marker, params.Depends) and marker.dependency is get_current_user:
            object.__setattr__(marker, "dependency", replacement)
    from app.api import tasks
    from app.application import create_app

    app = create_app()
    routes = [r for r in tasks.router.routes if isinstance(r, APIRoute)]
    if not routes or not all(
        _calls(r.dependant, replacement) and not _calls(r.dependant, get_current_user)
        for r in routes
    ):
        raise RuntimeError("could not replace get_current_user in every task route")
    return app


def ours() -> FastAPI:
    from app.application import create_app

    return create_app()  # as shipped: the very app `app.main` serves


def ours_uncached() -> FastAPI:
    """As shipped, but with the verified-token cache off: every request verifies in full."""
    from app.application import create_app
    from app.settings import Settings

    return create_app(Settings(auth_verified_token_cache_size=0))


def bypass() -> FastAPI:
    async def unverified_user(user_id: str) -> AuthenticatedUser:
        # No verification at all: whoever the path names (so the path check always passes).
        # Async like the real dependency: a sync one would cost a thread hop per request.
        return AuthenticatedUser(id=user_id, email=None, name=None)

    return create_app_with(unverified_user)


def session_lookup() -> FastAPI:
    issuer_url = os.environ["BENCH_ISSUER_URL"]
    # One client for the whole process: keep-alive connections to the issuer are reused.
    client = httpx.AsyncClient(
        base_url=issuer_url,
        timeout=10,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
    )

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

    app = create_app_with(user_from_session)
    inner_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner_lifespan(app) as state:
            yield state
        await client.aclose()

    app.router.lifespan_context = lifespan
    return app


def bridge() -> FastAPI:
    from fastapi_better_auth import BetterAuth, JwtVerifier, Session, User

    auth = BetterAuth(verifiers=[JwtVerifier(base_url=os.environ["BENCH_ISSUER_URL"])])

    async def user_from_bridge(
        session: Annotated[Session[User], Depends(auth.current_session())],
    ) -> AuthenticatedUser:
        return AuthenticatedUser(
            id=session.user.id, email=session.user.email, name=session.user.name
        )

    return create_app_with(user_from_bridge)
