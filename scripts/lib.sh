# Shared helpers for the make targets: logging, locating uv, installing what is missing.
# Sourced by the other scripts; never run directly.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

# better-sqlite3 compiles from source; point node-gyp at the installed Node headers instead of a download.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then
  export npm_config_nodedir=/usr
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Puts uv on PATH, installing it with pip when it is absent.
ensure_uv() {
  if command -v uv >/dev/null 2>&1; then
    return
  fi
  local bin
  bin=$(python3 -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null || true)
  if [[ -z "$bin" ]]; then
    say "installing uv with pip"
    python3 -m pip install --quiet uv || die "could not install uv; install it by hand (python3 -m pip install uv) and rerun"
    bin=$(python3 -c 'import uv; print(uv.find_uv_bin())')
  fi
  PATH="$(dirname "$bin"):$PATH"
  export PATH
}

# Installs a Node package's dependencies from its lock file unless node_modules already matches it.
ensure_npm_packages() {
  local dir=$1
  local stamp="$dir/node_modules/.package-lock.json"
  if [[ -f "$stamp" && "$stamp" -nt "$dir/package-lock.json" && "$stamp" -nt "$dir/package.json" ]]; then
    return
  fi
  say "installing npm packages in ${dir#"$ROOT"/} (from the lock file)"
  if ! (cd "$dir" && npm ci --no-audit --no-fund); then
    warn "npm ci refused the lock file in ${dir#"$ROOT"/}; falling back to npm install"
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
  touch "$stamp"
}

ensure_backend_packages() {
  ensure_uv
  say "syncing backend Python packages (uv sync)"
  (cd "$ROOT/backend" && uv sync --locked --inexact)
}

# Debian's Chromium for the browser tests; browser downloads are not possible on these machines.
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    die "the browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium' and retry"
  fi
  say "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}
