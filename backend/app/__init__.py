"""Task API: a FastAPI resource server that trusts only tokens it verifies itself."""
