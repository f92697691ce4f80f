"""Test support for every Python suite: a real Better Auth issuer, tokens, databases, ports."""
