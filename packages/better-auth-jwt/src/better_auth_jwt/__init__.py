"""Verification of Better Auth JWTs for FastAPI apps."""
