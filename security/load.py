"""A load run: N simulated users doing mixed task operations concurrently against a running backend,
each keeping track of what the backend acknowledged, so lost writes can be counted afterwards."""

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from harness import bearer, stored_task_ids

OPERATIONS = ["create", "list", "get", "update", "toggle", "delete", "peek"]
WEIGHTS = [30, 20, 15, 15, 10, 5, 5]
EXPECTED = {
    "create": {201},
    "list": {200},
    "get": {200},
    "update": {200},
    "toggle": {200},
    "delete": {204},
    "peek": {404},  # another user's task through one's own path: never visible
}


@dataclass
class UserState:
    user_id: str
    token: str
    alive: dict[int, str] = field(
        default_factory=dict
    )  # acknowledged id -> last acknowledged title
    deleted: set[int] = field(default_factory=set)
    uncertain: set[int] = field(default_factory=set)  # a write on it failed: its state is unknown


@dataclass
class LoadResult:
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    acknowledged: int = 0
    states: list[UserState] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def unavailable(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status == 503)

    def report(self) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "users": self.users,
            "seconds": self.seconds,
            "requests": self.requests,
            "rps": self.requests / self.seconds if self.seconds else 0,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
            "unexpected": len(self.unexpected),
            "unavailable": self.unavailable,
            "acknowledged": self.acknowledged,
            "lost": len(self.lost),
        }


async def _user(
    client: httpx.AsyncClient,
    state: UserState,
    everyone: list[UserState],
    deadline: float,
    result: LoadResult,
    allow_unavailable: bool,
    rng: random.Random,
) -> None:
    headers = bearer(state.token)
    base = f"/api/{state.user_id}/tasks"
    n = 0
    while time.monotonic() < deadline:
        n += 1
        operation = rng.choices(OPERATIONS, WEIGHTS)[0]
        known = sorted(set(state.alive) - state.uncertain)
        if operation in ("get", "update", "toggle", "delete") and not known:
            operation = "create"
        task_id = rng.choice(known) if known else None
        title = f"{state.user_id[:6]} task {n}"
        if operation == "create":
            request: dict[str, Any] = {"method": "POST", "url": base, "json": {"title": title}}
        elif operation == "list":
            request = {"method": "GET", "url": base, "params": {"limit": 20}}
        elif operation == "get":
            request = {"method": "GET", "url": f"{base}/{task_id}"}
        elif operation == "update":
            request = {"method": "PUT", "url": f"{base}/{task_id}", "json": {"title": title}}
        elif operation == "toggle":
            request = {"method": "PATCH", "url": f"{base}/{task_id}/complete"}
        elif operation == "delete":
            request = {"method": "DELETE", "url": f"{base}/{task_id}"}
        else:
            others = [i for other in everyone if other is not state for i in other.alive]
            if not others:
                continue
            request = {"method": "GET", "url": f"{base}/{rng.choice(others)}"}
        started = time.perf_counter()
        try:
            response = await client.request(headers=headers, **request)
        except httpx.HTTPError as error:
            result.unexpected.append(f"{operation}: {type(error).__name__} {error}")
            if task_id is not None:
                state.uncertain.add(task_id)
            continue
        result.latencies.append(time.perf_counter() - started)
        status = response.status_code
        result.statuses[(operation, status)] += 1
        if status in EXPECTED[operation]:
            if operation == "create":
                body = response.json()
                assert body["user_id"] == state.user_id
                state.alive[body["id"]] = title
                result.acknowledged += 1
            elif operation == "update":
                assert task_id is not None
                state.alive[task_id] = title
                result.acknowledged += 1
            elif operation == "delete":
                assert task_id is not None
                state.alive.pop(task_id)
                state.deleted.add(task_id)
                result.acknowledged += 1
            elif operation == "list":
                assert all(t["user_id"] == state.user_id for t in response.json()["items"])
        elif status == 503 and allow_unavailable:
            if task_id is not None and operation != "get":
                state.uncertain.add(task_id)  # the write may or may not have happened
            await asyncio.sleep(0.05)
        else:
            result.unexpected.append(
                f"{request['method']} {operation}: {status} {response.text[:200]}"
            )


async def _run(
    base_url: str, users: list[UserState], seconds: float, allow_unavailable: bool, seed: int
) -> LoadResult:
    result = LoadResult(users=len(users), seconds=seconds, states=users)
    # A new connection per request: a reused keep-alive connection can meet uvicorn closing it
    # (its 5 s idle timeout) and fail on the client with no server fault, which would blur the count.
    limits = httpx.Limits(max_connections=len(users), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                _user(
                    client,
                    state,
                    users,
                    deadline,
                    result,
                    allow_unavailable,
                    random.Random(seed + i),
                )
                for i, state in enumerate(users)
            )
        )
        result.seconds = time.monotonic() - started
    return result


def run_load(
    base_url: str,
    accounts: list[tuple[str, str]],
    seconds: float,
    *,
    allow_unavailable: bool = False,
    seed: int = 5,
) -> LoadResult:
    users = [UserState(user_id, token) for user_id, token in accounts]
    return asyncio.run(_run(base_url, users, seconds, allow_unavailable, seed))


def count_lost_writes(result: LoadResult, engine: Engine) -> list[str]:
    """Acknowledged writes missing from the database: created ids ⊆ stored ids, acknowledged
    titles stored, acknowledged deletes gone, every row with its owner."""
    stored = stored_task_ids(engine)
    lost = []
    for state in result.states:
        for task_id, title in state.alive.items():
            row = stored.get(task_id)
            if row is None:
                if task_id not in state.uncertain:
                    lost.append(f"task {task_id} of {state.user_id}: acknowledged, not stored")
            elif row["user_id"] != state.user_id:
                lost.append(f"task {task_id}: stored for {row['user_id']}, not {state.user_id}")
            elif row["title"] != title and task_id not in state.uncertain:
                lost.append(
                    f"task {task_id}: stored title {row['title']!r}, acknowledged {title!r}"
                )
        for task_id in state.deleted:
            if task_id in stored:
                lost.append(f"task {task_id}: deletion acknowledged, still stored")
    result.lost = lost
    return lost
