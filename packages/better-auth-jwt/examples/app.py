"""The README's quickstart as a file: a FastAPI app whose routes need a Better Auth token.

BETTER_AUTH_URL=http://localhost:3000 uvicorn app:app        # jwks mode (the default)
AUTH_MODE=shared-secret JWT_SECRET=… uvicorn app:app        # shared-secret mode

With AUTH_REVOCATION=on (the default) the issuer must serve the revocation feed of this
repository's frontend (frontend/lib/server/revocation-feed.ts); AUTH_REVOCATION=off for a plain
Better Auth (tokens of ended sessions then live until they expire).
"""

from fastapi import FastAPI

from better_auth_jwt import AUTH_ERROR_RESPONSES, AuthSettings, BetterAuthJWT, CurrentUser, PathUser

auth = BetterAuthJWT(AuthSettings())  # AUTH_MODE, BETTER_AUTH_URL, … from the environment
app = FastAPI(lifespan=auth.lifespan)
auth.install(app)


@app.get("/me", responses=AUTH_ERROR_RESPONSES)
async def me(user: CurrentUser) -> dict[str, str | None]:
    return {"id": user.id, "email": user.email}


@app.get("/api/{user_id}/notes", responses=AUTH_ERROR_RESPONSES)
async def notes(user: PathUser) -> list[str]:
    return [f"{user.name}'s first note"]
