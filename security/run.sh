#!/usr/bin/env bash
# The security and reliability suite: attacks on token verification, the authorization matrix,
# property-based and schema fuzzing, key rotation, faults and load, against running processes.
#   security/run.sh            # everything
#   security/run.sh -k attacks # a part (any pytest arguments)
# Needs the backend's uv environment and the frontend's node_modules (for the real Better Auth).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../backend"
exec uv run --group security pytest -c "$here/pytest.ini" --rootdir "$here" --durations=12 "$here" "$@"
