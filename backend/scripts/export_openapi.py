"""Prints the API's OpenAPI schema as JSON, for the frontend's generated types (`npm run gen:api`)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.application import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402

if __name__ == "__main__":
    # Defaults only: the schema must not depend on whoever's .env is on this machine.
    schema = create_app(Settings(_env_file=None)).openapi()
    sys.stdout.write(json.dumps(schema, indent=2, sort_keys=True) + "\n")
