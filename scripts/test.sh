#!/usr/bin/env bash
# Runs the test suites and checks, keeps going after a failure so every summary prints,
# and exits non-zero if any step failed.
#   scripts/test.sh             everything (what 'make test' and CI run)
#   scripts/test.sh docs        docs/design.md equals ../shared/DESIGN.md (when that exists)
#   scripts/test.sh backend     lint and types of all Python code; backend tests (SQLite and PostgreSQL)
#   scripts/test.sh package     the better-auth-jwt package: lint, strict types, tests (coverage ≥ 95 %),
#                               and its wheel installed outside the repository against a real Better Auth
#   scripts/test.sh frontend    frontend unit tests, types, lint, production build, OpenAPI types check
#   scripts/test.sh e2e         browser tests against real servers (builds the frontend first)
#   scripts/test.sh security    the security and reliability suite (security/run.sh)
#   scripts/test.sh deploy      images, compose.yaml behind nginx, faults (scripts/deploy-test.sh)
#   scripts/test.sh bench       a smoke run of the benchmarks (BENCH_QUICK=1 bench/run.sh)
#   scripts/test.sh dev         `make dev` on free ports: serves, then SIGTERM / Ctrl-C stop everything
# Each step's full output is kept in .tmp/test-logs/.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(docs backend package frontend e2e security deploy bench dev)
wants() { local s; for s in "${suites[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

logdir="$ROOT/.tmp/test-logs"
rm -rf "$logdir"
mkdir -p "$logdir"
names=() statuses=() durations=() summaries=()
failed=0
overall_start=$(date +%s)

# A log without terminal colour codes.
plain() { sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1"; }

# Text of a step's closing summary, read from its log.
summary_of() {
  local log=$1 line
  # pytest: "==== 120 passed, 2 skipped in 8.1s ===="
  line=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* in [0-9.]+s' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
  [[ -n "$line" ]] && { echo "$line"; return; }
  # playwright (printed by e2e/harness/reporter.ts)
  line=$(grep -E '^playwright: ' "$log" | tail -n 1)
  [[ -n "$line" ]] && { echo "$line"; return; }
  # vitest: "      Tests  12 passed | 1 skipped (13)"
  line=$(plain "$log" | grep -E '^\s*Tests\s+[0-9]' | tail -n 1 | sed -E 's/^\s+//; s/\s+/ /g')
  [[ -n "$line" ]] && { echo "$line"; return; }
  # bench: the ratio lines it ends with, and the CPU cost of auth per request
  line=$(grep -E '^[a-z_]+(_ratio|_per_request)=' "$log" | tr '\n' ' ')
  [[ -n "$line" ]] && { echo "$line"; return; }
  tail -n 1 "$log" | cut -c1-100
}

# Vitest's summary is not in a form CI reads, so restate it as "vitest: N passed, N failed".
restate_vitest() {
  local log=$1 line passed failed skipped
  line=$(plain "$log" | grep -E '^\s*Tests\s+[0-9]' | tail -n 1)
  [[ -n "$line" ]] || return 0
  passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  failed=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  skipped=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  echo "vitest: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
}

# step NAME DIR COMMAND...: runs COMMAND in DIR, records its status, time and summary.
step() {
  local name=$1 dir=$2
  shift 2
  local slug log start rc
  slug=$(tr -c 'a-zA-Z0-9' '-' <<<"$name" | sed -E 's/-+/-/g; s/-$//')
  log="$logdir/$slug.log"
  say "$name"
  start=$(date +%s)
  (cd "$dir" && "$@") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if [[ "$name" == *vitest* ]]; then restate_vitest "$log"; fi
  names+=("$name")
  durations+=($(($(date +%s) - start)))
  summaries+=("$(summary_of "$log" | sed -E 's/\x1b\[[0-9;]*m//g')")
  if [[ $rc -eq 0 ]]; then
    statuses+=(ok)
  else
    statuses+=("FAILED($rc)")
    failed=1
  fi
  return $rc
}

report() {
  echo
  say "summary"
  local i
  for i in "${!names[@]}"; do
    printf '  %-28s %-11s %5ss  %s\n' "${names[$i]}" "${statuses[$i]}" "${durations[$i]}" "${summaries[$i]}"
  done
  printf '  %-28s %-11s %5ss\n' "total" "$([[ $failed -eq 0 ]] && echo ok || echo FAILED)" $(($(date +%s) - overall_start))
  echo "  full logs: .tmp/test-logs/"
}

step "setup: backend packages" "$ROOT" ensure_backend_packages
ensure_uv
if wants package || wants frontend || wants e2e || wants security || wants bench || wants dev; then
  step "setup: frontend packages" "$ROOT" ensure_npm_packages "$ROOT/frontend"
fi
if wants bench; then
  step "setup: bench packages" "$ROOT" ensure_npm_packages "$ROOT/bench"
fi
if wants e2e; then
  step "setup: e2e packages" "$ROOT" ensure_npm_packages "$ROOT/e2e"
  step "setup: chromium" "$ROOT" ensure_chromium
fi
step "setup: env files" "$ROOT" "$ROOT/scripts/env-files.sh"

if wants docs; then
  step "docs: design.md in step" "$ROOT" scripts/check-design.sh
fi

if wants backend; then
  # The Python gate: ruff, ruff format and mypy over backend/, testing/, security/ and bench/;
  # then the backend's pytest on SQLite and PostgreSQL, and its coverage floors.
  step "backend: checks and pytest" "$ROOT/backend" bash scripts/check.sh
fi

if wants package; then
  # The verification package on its own: ruff, ruff format, mypy --strict, pytest, coverage ≥ 95 %.
  step "package: checks and pytest" "$ROOT/packages/better-auth-jwt" bash scripts/check.sh
  # Its wheel in a fresh virtual environment outside the repository, against a real Better Auth.
  step "package: wheel outside the repo" "$ROOT/packages/better-auth-jwt" bash scripts/wheel-test.sh
fi

built=0
if wants frontend; then
  step "frontend: vitest" "$ROOT/frontend" npm run --silent test
  step "frontend: typecheck" "$ROOT/frontend" npm run --silent typecheck
  step "frontend: lint" "$ROOT/frontend" npm run --silent lint
  step "frontend: build" "$ROOT/frontend" npm run --silent build && built=1
  step "frontend: openapi types" "$ROOT/frontend" npm run --silent check:api
fi

if wants e2e; then
  # One build serves both modes: each stack's `next start` gets its own backend's NEXT_PUBLIC_API_URL.
  if [[ $built -eq 0 ]] && ! wants frontend; then
    step "frontend: build" "$ROOT/frontend" npm run --silent build && built=1
  fi
  step "e2e: typecheck" "$ROOT/e2e" npm run --silent typecheck
  if [[ $built -eq 1 ]]; then
    step "e2e: playwright" "$ROOT/e2e" npm test
  else
    names+=("e2e: playwright") statuses+=("FAILED") durations+=(0) summaries+=("not run: the frontend build failed")
    failed=1
  fi
fi

if wants security; then
  # Attacks, authorization matrix, Hypothesis and schemathesis, key rotation, faults, load.
  step "security: suite" "$ROOT" security/run.sh
fi

if wants deploy; then
  # The images and compose.yaml: two replicas of each side behind nginx, checked through it, faults included.
  step "deploy: compose project" "$ROOT" scripts/deploy-test.sh
fi

if wants bench; then
  # Measurements are not asserted; the smoke run proves every benchmark still runs end to end.
  step "bench: quick smoke run" "$ROOT" env BENCH_QUICK=1 bench/run.sh
fi

if wants dev; then
  # The dev loop as a newcomer meets it (scripts/tests/test_dev.py), on free ports.
  step "dev: make dev start and stop" "$ROOT/backend" \
    uv run pytest -c ../scripts/tests/pytest.ini --rootdir ../scripts/tests ../scripts/tests
fi

report
exit $failed
