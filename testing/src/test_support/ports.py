"""A free TCP port on 127.0.0.1 (every server a test starts listens there, never on 3000 or 8000)."""

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
