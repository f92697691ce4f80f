#!/usr/bin/env bash
# Writes frontend/.env.local and backend/.env for local development when they are missing.
# Never overwrites an existing file. Secrets are fresh and random; both files agree on the
# app's origin (issuer, audience, CORS) and on JWT_SECRET, so AUTH_MODE can be switched in both.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

frontend_env="$ROOT/frontend/.env.local"
backend_env="$ROOT/backend/.env"
app_url=http://localhost:3000
api_url=http://127.0.0.1:8000

random_secret() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }

# Value of KEY in an env file, empty when the file or the key is absent.
read_key() {
  local file=$1 key=$2
  [[ -f "$file" ]] || return 0
  sed -n "s/^${key}=//p" "$file" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}

jwt_secret=$(read_key "$frontend_env" JWT_SECRET)
[[ -n "$jwt_secret" ]] || jwt_secret=$(read_key "$backend_env" JWT_SECRET)
[[ -n "$jwt_secret" ]] || jwt_secret=$(random_secret)

if [[ -d "$ROOT/frontend" && ! -f "$frontend_env" ]]; then
  better_auth_secret=$(random_secret)
  while [[ "$better_auth_secret" == "$jwt_secret" ]]; do better_auth_secret=$(random_secret); done
  umask 077
  cat >"$frontend_env" <<ENV
# Local development settings, written by 'make dev' (see frontend/.env.example). Not committed.
# Signs sessions and encrypts the JWT private keys: changing it makes the stored keys unreadable.
BETTER_AUTH_SECRET=$better_auth_secret
# The origin the app is opened at; it is also the JWT issuer and audience.
BETTER_AUTH_URL=$app_url
NEXT_PUBLIC_API_URL=$api_url
# Empty: a SQLite file. Set a postgres:// URL to use PostgreSQL.
# DATABASE_URL=
# jwks (Better Auth's own EdDSA keys, backend verifies with the public keys) or shared-secret (HS256).
AUTH_MODE=jwks
# Used only when AUTH_MODE=shared-secret; must equal the backend's JWT_SECRET.
JWT_SECRET=$jwt_secret
ENV
  say "wrote frontend/.env.local with fresh secrets"
  # The default auth database holds private keys encrypted with the previous secret; with the new
  # one Better Auth fails with "Failed to decrypt private key". Keep it aside rather than break.
  old_db="$ROOT/frontend/.data/auth.db"
  if [[ -f "$old_db" ]]; then
    stamp=$(date +%Y%m%d-%H%M%S)
    for file in "$old_db" "$old_db-wal" "$old_db-shm"; do
      [[ -f "$file" ]] && mv "$file" "${file/auth.db/auth.db.before-$stamp}"
    done
    warn "the new BETTER_AUTH_SECRET cannot read frontend/.data/auth.db (made with the old one);" \
      "moved it to frontend/.data/auth.db.before-$stamp: local accounts start afresh"
  fi
fi

if [[ -d "$ROOT/backend" && ! -f "$backend_env" ]]; then
  app_origin=$(read_key "$frontend_env" BETTER_AUTH_URL)
  [[ -n "$app_origin" ]] || app_origin=$app_url
  mode=$(read_key "$frontend_env" AUTH_MODE)
  [[ -n "$mode" ]] || mode=jwks
  umask 077
  cat >"$backend_env" <<ENV
# Local development settings, written by 'make dev' (see backend/.env.example). Not committed.
# Empty: a SQLite file under backend/.data/. Set a postgresql:// URL to use PostgreSQL.
# DATABASE_URL=
# Must match the frontend's AUTH_MODE.
AUTH_MODE=$mode
# The frontend's origin: issuer and audience of its tokens, and where the public keys are fetched.
BETTER_AUTH_URL=$app_origin
CORS_ORIGINS=$app_origin
# Used only when AUTH_MODE=shared-secret; must equal the frontend's JWT_SECRET.
JWT_SECRET=$jwt_secret
ENV
  say "wrote backend/.env"
fi
