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
  say "installing npm packages in ${dir#"$ROOT"/} (from the lock file; a few minutes on a first run)"
  if ! npm_with_progress "$dir" ci --no-audit --no-fund; then
    warn "npm ci refused the lock file in ${dir#"$ROOT"/}; falling back to npm install"
    npm_with_progress "$dir" install --no-audit --no-fund
  fi
  touch "$stamp"
}

# npm_with_progress DIR ARGS...: runs `npm ARGS...` in DIR and, while it runs, prints every 10 s how
# long it has been going and how many packages node_modules holds so far (npm itself prints nothing
# until it is done when its output is not a terminal).
npm_with_progress() {
  local dir=$1
  shift
  (cd "$dir" && exec npm "$@") &
  local pid=$! start=$SECONDS status packages
  while ! wait_for_exit "$pid" 10; do
    packages=$(find "$dir/node_modules" -mindepth 2 -maxdepth 3 -name package.json 2>/dev/null | wc -l)
    printf '    ... still installing in %s: %ss, %s packages so far\n' \
      "${dir#"$ROOT"/}" $((SECONDS - start)) "${packages// /}"
  done
  wait "$pid" && status=0 || status=$?
  return "$status"
}

# wait_for_exit PID SECONDS: true once PID has exited, false if it still runs after SECONDS.
wait_for_exit() {
  local pid=$1 tenths=$(($2 * 10))
  while ((tenths-- > 0)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

ensure_backend_packages() {
  ensure_uv
  say "syncing backend Python packages (uv sync)"
  (cd "$ROOT/backend" && uv sync --locked --inexact)
}

# apt_install WHAT PACKAGE...: installs Debian packages with apt (as root; otherwise says what to run).
apt_install() {
  local what=$1
  shift
  [[ $(id -u) -eq 0 ]] || die "$what needs $*: run 'sudo apt-get install $*' and retry"
  say "installing $* with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian's nginx with the Brotli static module, the edge `make lighthouse` measures the pages through.
ensure_nginx() {
  if [[ -x /usr/sbin/nginx && -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so && -x /usr/bin/openssl ]]; then
    return
  fi
  # openssl: the throwaway certificate of the edge's HTTPS listener (e2e/harness/stack.ts).
  apt_install "make lighthouse" nginx libnginx-mod-http-brotli-static openssl
  # The package starts its default site where services may start; make lighthouse runs its own nginx.
  invoke-rc.d nginx stop >/dev/null 2>&1 || true
}

# Debian's Chromium for the browser tests; browser downloads are not possible on these machines.
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return
  fi
  apt_install "the browser tests" chromium
}
