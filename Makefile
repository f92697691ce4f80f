# Two commands do everything on a fresh clone:
#   make dev    install what is missing, write env files, migrate, run both servers (Ctrl-C stops them)
#   make test   install what is missing, then every suite: backend, frontend, browser, security,
#               the deploy test (compose.yaml behind nginx), and a smoke run of the benchmarks
# The work is done by scripts/ so that it reads as plain bash; see README.md.

SHELL := /bin/bash

.PHONY: help dev setup test test-backend test-package test-frontend test-e2e test-dev deploy-test security bench bench-quick lighthouse

help:
	@echo "make dev            run the app: http://localhost:3000 (backend http://127.0.0.1:8000)"
	@echo "make test           every test suite and check; non-zero exit if anything failed"
	@echo "make test-backend   backend lint, types, tests on SQLite and PostgreSQL"
	@echo "make test-package   the better-auth-jwt package: lint, strict types, tests, its wheel outside the repo"
	@echo "make test-frontend  frontend unit tests, types, lint, build, OpenAPI types check"
	@echo "make test-e2e       browser tests against real servers in both auth modes"
	@echo "make test-dev       make dev on free ports: it serves, then SIGTERM / Ctrl-C leave nothing running"
	@echo "make deploy-test    images, compose.yaml with two replicas of each side behind nginx, faults (docs/deploy.md)"
	@echo "make security       attacks, authorization matrix, fuzzing, faults and load (docs/SECURITY.md)"
	@echo "make bench          benchmarks, about 5 minutes (docs/BENCHMARKS.md); bench-quick: under 2"
	@echo "make lighthouse     Lighthouse on the production build behind nginx (HTTPS, HTTP/2, Brotli): /tasks and /login against their targets"
	@echo "make setup          install everything the above need and write missing env files"

dev:
	@scripts/setup.sh --dev
	@scripts/dev.sh

setup:
	@scripts/setup.sh

test:
	@scripts/test.sh

test-backend:
	@scripts/test.sh backend

test-package:
	@scripts/test.sh package

test-frontend:
	@scripts/test.sh frontend

test-e2e:
	@scripts/test.sh e2e

test-dev:
	@scripts/test.sh dev

deploy-test:
	@scripts/test.sh deploy

security:
	@scripts/test.sh security

# Benchmarks are measurements, not tests: `make test` runs only the quick smoke version.
bench:
	@scripts/setup.sh
	@bench/run.sh

bench-quick:
	@scripts/test.sh bench

lighthouse:
	@scripts/setup.sh --lighthouse
	@cd frontend && npm run --silent build && npm run --silent precompress
	@cd e2e && ../frontend/node_modules/.bin/tsx lighthouse/run.ts
