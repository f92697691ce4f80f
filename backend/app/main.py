"""The ASGI app: `uv run uvicorn app.main:app --host 127.0.0.1 --port 8000`."""

from app.application import create_app

app = create_app()
