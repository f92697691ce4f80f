"""Polling until a condition holds, with a deadline and a message that says what was awaited."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T | None], timeout: float, interval: float = 0.25, what: str = ""
) -> T:
    """Calls `predicate` until it returns something truthy and returns that; AssertionError after
    `timeout` seconds. An exception raised by `predicate` ends the wait at once."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(interval)
