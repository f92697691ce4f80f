"""Database engine and sessions: SQLite (WAL) by default, Postgres when DATABASE_URL says so."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from fastapi import Request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

# The threads that run database work, as many as a SQLite engine pools connections (below).
DATABASE_THREADS = 40
_database_threads = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="database")


def normalize_database_url(url: str) -> str:
    """Accepts the URLs hosts hand out (postgres://, postgresql://) and picks the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _enable_sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(database_url: str) -> Engine:
    url = make_url(normalize_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        pool: dict[str, Any] = {}
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            # A pooled connection for every database thread: with fewer, busy moments opened and
            # closed a connection (and ran its PRAGMAs) per request.
            pool = {"pool_size": DATABASE_THREADS, "max_overflow": 10}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _enable_sqlite_wal)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


P = ParamSpec("P")
T = TypeVar("T")


async def in_database_thread(run: Callable[[], T]) -> T:
    """Runs blocking database work off the event loop.

    asyncio's executor, not Starlette's `run_in_threadpool`: the same hop to a worker thread
    without the anyio capacity limiter and cancel scope around each call, which made it cost
    about twice as much (docs/BENCHMARKS.md).
    """
    return await asyncio.get_running_loop().run_in_executor(_database_threads, run)


async def run_in_session(
    request: Request,
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Runs `work` with a fresh session on the app's engine, in one database thread.

    The engine is read from the request's app, not declared as a dependency: FastAPI spends about
    8 µs per request on each dependency it resolves, even a trivial one (docs/BENCHMARKS.md).

    A sync route with a sync session dependency costs four thread-pool hops per request (session
    open, handler, response validation, session close); this is one, and the loop never blocks.
    """
    engine: Engine = request.app.state.engine

    def run() -> T:
        with Session(engine) as session:
            return work(session, *args, **kwargs)

    return await in_database_thread(run)


async def run_on_connection(
    request: Request,
    work: Callable[Concatenate[Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Like `run_in_session`, for reads in plain SQL: a pooled connection, no ORM session around it
    (a session's set-up and tear-down cost more than the list query itself on SQLite)."""
    engine: Engine = request.app.state.engine

    def run() -> T:
        with engine.connect() as connection:
            return work(connection, *args, **kwargs)

    return await in_database_thread(run)
