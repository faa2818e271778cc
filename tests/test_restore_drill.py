"""The PostgreSQL restore drill, as the README tells an operator to run it: a database is migrated
and seeded, dumped with `pg_dump -Fc`, restored with `pg_restore` into a new database, and the
restored database is checked against the original — no migration missing, the same rows in
every table, the same board pages. Both databases are throwaway ones on the shared server
(unique names), dropped at the end; the app runs against them as separate processes, as it
would in production.

Slow, and PostgreSQL only: CI runs it in the full suite on PostgreSQL (`make test-all`).
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the pg_dump restore drill needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/channels/us-china-military/", "/channels/us-china-diplomatic/", "/timeline/"]

# Run by `manage.py shell -c` against each database: its row counts and its pages as a signed-in
# superuser sees them (the account and its session are rolled back, so nothing is written).
CHECK = f"""
import json, re
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from events.offline.archive import row_counts

counts = row_counts()
pages = {{}}
with transaction.atomic():
    user = get_user_model().objects.create_superuser("restore-drill", password=None)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    for url in {PAGES!r}:
        response = client.get(url)
        html = response.content.decode()
        html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\\1…", html)
        pages[url] = [response.status_code, re.sub(r'nonce="[^"]*"', 'nonce="…"', html)]
    transaction.set_rollback(True)
print("DRILL " + json.dumps({{"counts": counts, "pages": pages}}))
"""


def _server() -> dict:
    database = settings.DATABASES["default"]
    return {
        "host": database.get("HOST") or "127.0.0.1",
        "port": str(database.get("PORT") or 5432),
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or "",
    }


def _admin_connection() -> psycopg.Connection:
    server = _server()
    return psycopg.connect(
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _url(name: str) -> str:
    server = _server()
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _major(version_output: str) -> int | None:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version_output)
    return int(found.group(1)) if found else None


def _client_binaries(server_major: int) -> Path:
    """The folder of a pg_dump and pg_restore of the server's major version."""
    folders = []
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(bindir.stdout.strip())
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if found := shutil.which("pg_dump"):
        folders.append(str(Path(found).parent))
    tried = []
    for folder in dict.fromkeys(filter(None, folders)):
        pg_dump, pg_restore = Path(folder) / "pg_dump", Path(folder) / "pg_restore"
        if not (pg_dump.exists() and pg_restore.exists()):
            continue
        version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout
        tried.append(f"{pg_dump}: {version.strip()}")
        if _major(version) == server_major:
            return Path(folder)
    pytest.fail(f"no pg_dump/pg_restore for PostgreSQL {server_major}; found: {tried or 'none'}")


def _run(command: list, *, env: dict, what: str) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stderr}"
    return result.stdout


def _app_env(database: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    env.update(DATABASE_URL=_url(database), DEBUG="1", DJANGO_SETTINGS_MODULE="diplomacy.settings")
    return env


def _manage(database: str, *args: str) -> str:
    return _run(
        [sys.executable, "manage.py", *args],
        env=_app_env(database),
        what=f"manage.py {' '.join(args[:1])} on {database}",
    )


def _check(database: str) -> dict:
    output = _manage(database, "shell", "--no-imports", "-c", CHECK)
    line = next(line for line in output.splitlines() if line.startswith("DRILL "))
    return json.loads(line.removeprefix("DRILL "))


@pytest.fixture
def throwaway_databases():
    """Two new, uniquely named databases on the shared server; dropped afterwards, whatever
    happens (never the server itself)."""
    stem = f"drill_{uuid.uuid4().hex[:10]}"
    names = (f"{stem}_original", f"{stem}_restored")
    with _admin_connection() as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        with _admin_connection() as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_pg_dump_restores_every_table_and_the_boards(throwaway_databases, tmp_path):
    original, restored = throwaway_databases
    with _admin_connection() as connection:
        server_major = connection.info.server_version // 10000
    binaries = _client_binaries(server_major)
    server = _server()
    tools_env = {
        **os.environ,
        "PGHOST": server["host"],
        "PGPORT": server["port"],
        "PGUSER": server["user"],
        "PGPASSWORD": server["password"],
    }
    _manage(original, "migrate", "--no-input")
    _manage(original, "load_seed")
    dump = tmp_path / "diplomacy.dump"

    _run(
        [binaries / "pg_dump", "-Fc", "--dbname", original, "--file", dump],
        env=tools_env,
        what="pg_dump",
    )
    _run(
        [binaries / "pg_restore", "--exit-on-error", "--no-owner", "--dbname", restored, dump],
        env=tools_env,
        what="pg_restore",
    )

    _manage(restored, "migrate", "--check")  # exits non-zero if a migration is missing
    before, after = _check(original), _check(restored)
    assert after["counts"] == before["counts"]
    for table in ("events_actor", "events_citation", "events_searchentry", "reversion_version"):
        assert before["counts"][table] > 0, f"{table} is empty: the drill would prove little"
    assert 'href="/channels/us-china-military/"' in before["pages"]["/"][1]  # the real board
    for url, (status, html) in before["pages"].items():
        assert status == 200, url
        assert after["pages"][url] == [status, html], f"{url} renders differently after restore"
