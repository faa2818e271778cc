"""An optional read replica: with DATABASE_REPLICA_URL set, analysts' pages read the curated
records from the `replica` database and every write goes to the primary (`default`).

A replica trails the primary by a moment (replication lag), so a read goes to the replica only
when a stale answer cannot mislead anyone:

- only inside a request the middleware has opened to the replica (`read_from_replica`): a GET or
  HEAD to an analyst's page — never the admin or the editors' pages, never a POST; management
  commands, the seed loader and scripts run outside any request and read from the primary;
- only the app's curated records (`events`): sessions, users, groups, tokens and lockouts are
  always read from the primary, so a sign-in is seen by the very next request;
- never once the request has written something (it reads its own write from the primary for the
  rest of the request), nor inside a transaction on the primary (a row it locked or inserted is
  only there).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
REPLICA_APPS = {"events"}


@dataclass
class _Request:
    """Where the current request may read from; one per request, in a context variable."""

    replica_allowed: bool = False
    wrote: bool = False


_request: ContextVar[_Request | None] = ContextVar("replica_routing", default=None)


@contextmanager
def request_scope():
    """The scope of one request: reads start on the primary until `allow_replica()`."""
    token = _request.set(_Request())
    try:
        yield
    finally:
        _request.reset(token)


def allow_replica() -> None:
    """Let the rest of the current request read curated records from the replica (unless it
    has already written)."""
    state = _request.get()
    if state is not None:
        state.replica_allowed = True


def reads_from_replica() -> bool:
    state = _request.get()
    return state is not None and state.replica_allowed and not state.wrote


class ReplicaRouter:
    """Installed by settings.py only when a replica is configured."""

    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in REPLICA_APPS
            and reads_from_replica()
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            # Read-your-writes: the rest of this request reads from the primary.
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both hold the same rows, so an object read from one may point at one from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its schema from the primary through replication.
        return db == PRIMARY
