"""Where the parts of the repository are, seen from this (editable, in-repo) package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BACKEND_DIR = ROOT / "backend"
FRONTEND_DIR = ROOT / "frontend"
SCRIPTS_DIR = ROOT / "scripts"
