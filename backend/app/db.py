"""Database engine and sessions: SQLite (WAL) by default, Postgres when DATABASE_URL says so."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

# A SQLite file keeps a pooled connection for each of the thread pool's workers (AnyIO's default
# limit is 40): with fewer, busy moments open and close a connection (and run its PRAGMAs) per request.
SQLITE_POOL_SIZE = 40


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
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(database_url: str) -> Engine:
    url = make_url(normalize_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        pool: dict[str, Any] = {}
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 10}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _enable_sqlite_wal)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine for one request, closed when the response has been sent."""
    with Session(request.app.state.engine) as session:
        yield session


# Closed before the response is sent (scope="function"), so that a connection lost while the session
# closes (a PostgreSQL restart) still reaches the error handlers as a 503 instead of breaking a
# response that has already started.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
