"""While the database cannot be reached, every request gets a clear 503 — a page for people, JSON
for the API, with Retry-After — never a 500 or a traceback; when the database is back, so is
the app, by itself.

The first tests fake the failure inside Django's test client. The last one is the real thing: it
starts its own PostgreSQL (initdb in a temporary folder, its own port), serves the app with
gunicorn against it, stops and restarts that database, and watches the same gunicorn processes
answer 200, then 503, then 200. The machine's shared PostgreSQL is never touched.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

UNAVAILABLE = "The database is unavailable; try again in a moment."
ROOT = Path(__file__).resolve().parent.parent


# --- The middleware, with the failure faked ----------------------------------------------------


@contextmanager
def failing_queries(error):
    """Every query fails with `error`, as it does when PostgreSQL has gone away. (Undone by the
    test itself, before pytest-django rolls the test database back.)"""

    def unreachable(*args, **kwargs):
        raise error

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        yield


@pytest.fixture
def database_down():
    with failing_queries(OperationalError("connection to 127.0.0.1 failed: Connection refused")):
        yield


@pytest.fixture
def visitor(db, settings):
    """An anonymous visitor on a public deployment: pages query the database without a
    sign-in that would need it first."""
    settings.PUBLIC_READ = True
    return Client(raise_request_exception=False)


def test_page_during_outage_is_503_with_retry_after_and_no_traceback(
    seeded, visitor, database_down
):
    response = visitor.get("/statements/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert UNAVAILABLE in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_every_reading_page_answers_503_during_outage(seeded, visitor, database_down):
    for url in ["/", "/channels/us-china-military/", "/timeline/", "/actors/", "/sources/"]:
        response = visitor.get(url)
        assert response.status_code == 503, url
        assert UNAVAILABLE in response.content.decode(), url


def test_api_during_outage_is_503_json(seeded, visitor, database_down):
    response = visitor.get("/api/channels/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == {"detail": UNAVAILABLE}


def test_signed_in_page_is_503_when_the_session_cannot_be_read(client, database_down):
    # The session and the user are loaded from the database when the page first asks for them.
    response = client.get("/engagements/")

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_closed_connection_is_503_too(seeded, visitor):
    with failing_queries(InterfaceError("connection already closed")):
        assert visitor.get("/sources/").status_code == 503


def test_database_error_in_a_middleware_is_503_not_500(seeded, visitor, monkeypatch):
    """A session saved on the way out fails outside any view: Django's handler500 answers it,
    and it too gives the outage page."""

    def session_save_fails(self, request, response):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionMiddleware, "process_response", session_save_fails)

    response = visitor.get("/statements/")

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


def test_other_errors_still_give_a_500(seeded, visitor, monkeypatch):
    def broken(self, request, response):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)

    assert visitor.get("/statements/").status_code == 500


def test_pages_answer_again_once_the_database_is_back(seeded, visitor):
    with failing_queries(OperationalError("Connection refused")):
        assert visitor.get("/statements/").status_code == 503

    assert visitor.get("/statements/").status_code == 200


# --- The real thing: a throwaway PostgreSQL stopped under a running gunicorn ---------------------


def _postgres_bindir() -> Path | None:
    candidates = []
    if shutil.which("pg_config"):
        output = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(Path(output.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a port of its own. initdb
    refuses to run as root, so as root its commands run as the `postgres` system user."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="dm-outage-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres", group="postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command):
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, text=True)

    def init(self):
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                  "postgres", "--no-sync")  # fmt: skip

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "postgres.log"), "-w", "start")  # fmt: skip

    def stop(self, mode="fast"):
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                 "immediate", "-w", "stop"],
                capture_output=True,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def _get(url: str, timeout: float = 20) -> tuple[int, dict, str]:
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"gave up after {seconds:.0f}s waiting for {what}")


def _children(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


@pytest.fixture
def throwaway_postgres():
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = ThrowawayPostgres(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.mark.slow
def test_gunicorn_serves_503_while_postgres_is_down_and_recovers_without_restart(
    throwaway_postgres, tmp_path
):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": throwaway_postgres.url,
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-only-secret",
        "HTTPS": "0",  # plain HTTP on loopback
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_READ": "1",  # pages that query the database without signing in first
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "DB_POOL_TIMEOUT": "2",
    }
    for name in ("DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        environment.pop(name, None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env=environment, check=True, capture_output=True,
    )  # fmt: skip
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 60, "gunicorn to serve /healthz")
        _wait_for(lambda: len(_children(server.pid)) == 2, 30, "both workers")
        workers = _children(server.pid)

        assert _get(f"{base}/statements/")[0] == 200
        assert _get(f"{base}/api/channels/")[0] == 200

        throwaway_postgres.stop()

        status, headers, body = _get(f"{base}/statements/")
        assert status == 503
        assert headers["Retry-After"] == "10"
        assert UNAVAILABLE in body
        assert "Traceback" not in body
        status, headers, body = _get(f"{base}/api/channels/")
        assert (status, json.loads(body)) == (503, {"detail": UNAVAILABLE})
        status, _, body = _get(f"{base}/healthz")
        assert status == 503
        assert json.loads(body)["database"].startswith("error")

        throwaway_postgres.start()

        _wait_for(lambda: _get(f"{base}/statements/")[0] == 200, 30, "pages to answer 200 again")
        assert _get(f"{base}/api/channels/")[0] == 200
        assert _get(f"{base}/healthz")[0] == 200
        # The same master and the same workers: nothing was restarted.
        assert server.poll() is None
        assert _children(server.pid) == workers
        server_log = (tmp_path / "gunicorn.log").read_text()
        assert " 500 " not in server_log and "Traceback" not in server_log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
