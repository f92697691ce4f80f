"""`make dev` as a developer meets it: it prints the app's address only once both servers answer,
starts the frontend before the backend (whose first key fetch then succeeds), and a SIGTERM or a
Ctrl-C (SIGINT to the terminal's process group) stops every process it started and frees both ports.

Runs the real `make dev` (setup check, migrations, `next dev`, uvicorn) on free ports."""

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from test_support.paths import FRONTEND_DIR, ROOT
from test_support.ports import free_port
from test_support.waiting import wait_until

STARTUP_SECONDS = 240
STOP_SECONDS = 30
ANSWER_SECONDS = 5


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def process_tree(root: int) -> dict[int, str]:
    """Every descendant of `root`: pid -> start time (which tells a pid reused later apart)."""
    parents: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry))
            started[int(entry)] = fields[19]
    tree: dict[int, str] = {}
    pending = [root]
    while pending:
        for child in parents.get(pending.pop(), []):
            tree[child] = started[child]
            pending.append(child)
    return tree


def alive(pid: int, started: str) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class DevRun:
    process: subprocess.Popen[bytes]
    log: Path
    app_url: str
    api_url: str
    ports: tuple[int, int]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def next_dev_running_here() -> bool:
    """Whether a `next dev` of this checkout runs already (Next.js allows one per directory)."""
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = Path(os.readlink(f"/proc/{entry}/cwd"))
        except OSError:
            continue
        if cwd == FRONTEND_DIR and "next dev" in command_line(int(entry)):
            return True
    return False


@pytest.fixture
def make_dev(tmp_path: Path) -> Iterator[DevRun]:
    if next_dev_running_here():
        pytest.skip(
            "a `next dev` of this checkout is running (make dev?); stop it to run this test"
        )
    frontend_port, backend_port = free_port(), free_port()
    log = tmp_path / "make-dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "dev"],
            cwd=ROOT,
            env={
                **os.environ,
                "FRONTEND_PORT": str(frontend_port),
                "BACKEND_PORT": str(backend_port),
                "AUTH_MODE": "jwks",  # whatever the env files say: the first key fetch is checked
            },
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    run = DevRun(
        process,
        log,
        f"http://localhost:{frontend_port}",
        f"http://127.0.0.1:{backend_port}",
        (frontend_port, backend_port),
    )
    try:
        yield run
    finally:  # a failed test must not leave servers behind either
        leftovers = process_tree(process.pid)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=STOP_SECONDS)


def wait_until_serving(run: DevRun) -> dict[int, str]:
    """Waits for the address line; both servers must answer the moment it is printed. Returns the
    process tree of the running `make dev`."""

    def address_printed() -> bool:
        if run.process.poll() is not None:
            raise AssertionError(f"make dev exited with {run.process.returncode}:\n{run.output()}")
        return f"app: {run.app_url}" in run.output()

    wait_until(address_printed, STARTUP_SECONDS, interval=0.2, what="make dev to print the address")
    # Answers at once: a server still starting (next dev compiling a route) would take far longer.
    assert httpx.get(f"{run.app_url}/api/auth/ok", timeout=ANSWER_SECONDS).status_code == 200
    assert httpx.get(f"{run.api_url}/health", timeout=ANSWER_SECONDS).status_code == 200
    tree = process_tree(run.process.pid)
    assert any("next" in command_line(pid) for pid in tree), "no next dev process found"
    assert any("uvicorn" in command_line(pid) for pid in tree), "no uvicorn process found"
    return tree


def assert_all_stopped(run: DevRun, tree: dict[int, str]) -> None:
    run.process.wait(timeout=STOP_SECONDS)
    wait_until(
        lambda: not any(alive(pid, started) for pid, started in tree.items()),
        STOP_SECONDS,
        what="every process of make dev to exit",
    )
    survivors = [command_line(pid) for pid, started in tree.items() if alive(pid, started)]
    assert survivors == []
    assert all(port_free(port) for port in run.ports)
    output = run.output()
    assert "stopping both servers" in output
    # Started after the frontend answered, the backend's first fetch of the keys succeeded.
    assert "jwks_refreshed" in output
    assert "jwks_refresh_failed" not in output and "jwks_waiting_for_issuer" not in output


def test_sigterm_stops_every_process(make_dev: DevRun) -> None:
    tree = wait_until_serving(make_dev)
    make_dev.process.send_signal(signal.SIGTERM)  # `kill <pid of make>`
    assert_all_stopped(make_dev, tree)


def test_ctrl_c_stops_every_process(make_dev: DevRun) -> None:
    tree = wait_until_serving(make_dev)
    os.killpg(make_dev.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    assert_all_stopped(make_dev, tree)
