#!/usr/bin/env bash
# docs/design.md is the design contract in the repository (the "DESIGN section N" the code cites).
# Its source is ../shared/DESIGN.md beside the repository, where that exists: the two must be equal.
# In a clone without it there is nothing to compare, and the check passes quietly.
# DESIGN_SOURCE names another source file (for testing this check).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

source_file=${DESIGN_SOURCE:-$ROOT/../shared/DESIGN.md}
copy=$ROOT/docs/design.md
[[ -f "$source_file" ]] || exit 0
if ! cmp -s "$source_file" "$copy"; then
  diff -u "$copy" "$source_file" | head -n 40 >&2 || true
  die "docs/design.md differs from $(realpath "$source_file"): copy it over (cp $source_file docs/design.md) and commit"
fi
echo "docs/design.md matches $(realpath "$source_file")"
