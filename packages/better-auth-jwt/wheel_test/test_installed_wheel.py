"""The package as anyone else installs it: its wheel in a fresh virtual environment outside this
repository, protecting examples/app.py against a real Better Auth issuer, in both modes."""

import os
import secrets
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from test_support.issuer import better_auth_issuer
from test_support.ports import free_port
from test_support.waiting import wait_until

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPOSITORY = PACKAGE_DIR.parents[1]
EXAMPLE = PACKAGE_DIR / "examples" / "app.py"
STARTUP_SECONDS = 60
# What the example app must see: only the settings this test gives it, and nothing of this repository.
_INHERITED_PREFIXES = ("AUTH_", "BETTER_AUTH_", "JWT_", "JWKS_", "DATABASE_URL", "VIRTUAL_ENV")


def uv(*arguments: str, cwd: Path) -> str:
    executable = shutil.which("uv")
    assert executable, "uv is not on PATH"
    done = subprocess.run(
        [executable, *arguments], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"uv {' '.join(arguments)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--package", "better-auth-jwt", "--out-dir", str(out), cwd=REPOSITORY)
    (wheel,) = out.glob("better_auth_jwt-*.whl")
    (sdist,) = out.glob("better_auth_jwt-*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def python(distributions: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the repository with the wheel and uvicorn installed."""
    home = tmp_path_factory.mktemp("elsewhere")
    assert not home.is_relative_to(REPOSITORY)
    uv("venv", str(home / "venv"), "--python", sys.executable, cwd=home)
    interpreter = home / "venv" / "bin" / "python"
    uv("pip", "install", "--python", str(interpreter), str(distributions[0]), "uvicorn", cwd=home)
    return interpreter


def clean_environment(**settings: str) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_INHERITED_PREFIXES) and k != "PYTHONPATH"
    }
    return {**inherited, **settings}


@contextmanager
def example_app(python: Path, home: Path, **settings: str) -> Iterator[str]:
    """examples/app.py, copied out of the repository and served by uvicorn from the fresh venv."""
    shutil.copy(EXAMPLE, home / "app.py")
    port = free_port()
    log = (home / f"uvicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [str(python), "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=home,
        env=clean_environment(**settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the example app exited:\n{(home / log.name).read_text()}")
        try:
            return httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, STARTUP_SECONDS, what="the example app to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def test_the_wheel_and_the_sdist_hold_the_package(distributions: tuple[Path, Path]) -> None:
    wheel, sdist = distributions
    names = zipfile.ZipFile(wheel).namelist()
    assert "better_auth_jwt/__init__.py" in names and "better_auth_jwt/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "wheel_test/"))]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requirements = zipfile.ZipFile(wheel).read(metadata).decode()
    for dependency in ("fastapi", "httpx", "pydantic-settings", "pyjwt[crypto]"):
        assert f"Requires-Dist: {dependency}" in requirements, dependency
    assert sdist.stat().st_size > 0


def test_the_installed_package_is_the_wheels(python: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(python), "-c", "import better_auth_jwt; print(better_auth_jwt.__file__)"],
        cwd=tmp_path,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(python.parents[1]), where


@pytest.mark.parametrize("mode", ["jwks", "shared-secret"])
def test_the_example_app_protects_its_routes_against_real_better_auth(
    python: Path, tmp_path: Path, mode: str
) -> None:
    # The issuer reads JWT_SECRET in shared-secret mode only; the app is given it only then.
    secret = secrets.token_hex(32)
    with better_auth_issuer(AUTH_MODE=mode, JWT_SECRET=secret) as issuer:
        app_settings = {"AUTH_MODE": mode, "BETTER_AUTH_URL": issuer.issuer}
        if mode == "jwks":
            app_settings["AUTH_JWKS_URL"] = issuer.jwks_url
        else:
            app_settings["JWT_SECRET"] = secret
        with (
            example_app(python, tmp_path, **app_settings) as url,
            httpx.Client(base_url=url, timeout=30) as client,
        ):
            alice_id, alice_token = issuer.sign_up("Alice")
            bob_id, _ = issuer.sign_up("Bob")
            alice = {"Authorization": f"Bearer {alice_token}"}

            own = client.get(f"/api/{alice_id}/notes", headers=alice)
            assert own.status_code == 200, own.text
            assert own.json() == ["Alice's first note"]
            assert client.get("/me", headers=alice).json()["id"] == alice_id

            assert client.get(f"/api/{bob_id}/notes", headers=alice).status_code == 403

            anonymous = client.get(f"/api/{alice_id}/notes")
            assert anonymous.status_code == 401
            assert anonymous.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
            assert anonymous.json()["reason"] == "missing_token"

            header, payload, signature = alice_token.split(".")
            tampered = f"{header}.{payload}.{signature[::-1]}"
            refused = client.get(
                f"/api/{alice_id}/notes", headers={"Authorization": f"Bearer {tampered}"}
            )
            assert refused.status_code == 401
