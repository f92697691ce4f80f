"""Pytest fixtures every suite that mints its own tokens shares: `pytest_plugins = ["test_support.fixtures"]`."""

import pytest

from test_support.revocation_feed import FeedStub
from test_support.tokens import JwksStub, SigningKey, TokenFactory


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey()


@pytest.fixture
def tokens(signing_key: SigningKey) -> TokenFactory:
    return TokenFactory(signing_key)


@pytest.fixture
def jwks(signing_key: SigningKey) -> JwksStub:
    return JwksStub(signing_key)


@pytest.fixture
def feed(signing_key: SigningKey) -> FeedStub:
    """The frontend's revocation feed, signed with the issuer's key: tests revoke sessions here."""
    return FeedStub(key=signing_key.private_key, kid=signing_key.kid)
