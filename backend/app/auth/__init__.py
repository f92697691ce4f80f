"""Access-token verification: the backend trusts no claim it has not checked itself."""
