"""Test support shared by every Python suite of this repository (backend/tests, security/, bench/).

- `tokens`: tokens minted with locally generated keys, hand-made tokens, a JWKS endpoint stub;
- `issuer`: a real Better Auth issuer (the frontend's own configuration) and users signed up on it;
- `postgres`: throwaway PostgreSQL clusters (scripts/throwaway-postgres.sh);
- `migrations`: the backend's Alembic migrations, applied in-process;
- `ports`, `waiting`: a free port on 127.0.0.1, and polling until something holds;
- `proxy`: a TCP forwarder a test can cut, for outages between two real processes.
"""
