#!/usr/bin/env bash
# Writes the env file compose.yaml reads: fresh random secrets and the ports of each process.
#   scripts/deploy-env.sh                 writes .env at the repository root (git ignores it)
#   scripts/deploy-env.sh FILE            writes FILE instead (then: compose --env-file FILE ...)
# Never overwrites an existing file. The settings can be given in the environment, e.g.
#   PUBLIC_ORIGIN=https://tasks.example.com LISTEN_ADDRESS=0.0.0.0 HTTP_PORT=80 scripts/deploy-env.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

file=${1:-$ROOT/.env}
[[ -e "$file" ]] && die "$file exists; remove it first (its secrets unlock the stored keys and sessions)"

random_secret() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }

http_port=${HTTP_PORT:-8080}
listen_address=${LISTEN_ADDRESS:-127.0.0.1}
public_origin=${PUBLIC_ORIGIN:-http://localhost:$http_port}
[[ "$public_origin" =~ ^https?://[^/]+$ ]] || die "PUBLIC_ORIGIN must be an origin such as https://tasks.example.com (no path, no trailing slash)"

umask 077
mkdir -p "$(dirname "$file")"
cat >"$file" <<ENV
# Settings for compose.yaml, written by scripts/deploy-env.sh. Secret: never commit or share it.
# The origin people open the app at (the tokens' issuer and audience, and the task API's origin).
PUBLIC_ORIGIN=$public_origin
# Where nginx listens; everything else listens on 127.0.0.1 only.
LISTEN_ADDRESS=$listen_address
HTTP_PORT=$http_port
FRONTEND_1_PORT=${FRONTEND_1_PORT:-3101}
FRONTEND_2_PORT=${FRONTEND_2_PORT:-3102}
BACKEND_1_PORT=${BACKEND_1_PORT:-8101}
BACKEND_2_PORT=${BACKEND_2_PORT:-8102}
POSTGRES_PORT=${POSTGRES_PORT:-5433}
# Signs sessions and encrypts the JWT private keys stored in PostgreSQL: changing it signs everyone
# out and makes the stored keys unreadable. Only the frontends receive it.
BETTER_AUTH_SECRET=$(random_secret)
POSTGRES_PASSWORD=$(random_secret)
# Mail for password resets and address verification, e.g. smtps://user:password@smtp.example.com:465
SMTP_URL=${SMTP_URL:-}
EMAIL_FROM=${EMAIL_FROM:-}
ENV
say "wrote $file"
