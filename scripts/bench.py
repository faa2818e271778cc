"""`make bench`: every analyst page under load, compared with the server's own floor.

For each data size (`small`, `large`): a PostgreSQL database filled by `generate_demo_data`
(built once, reused while it holds the same size and seed), gunicorn started with the committed
configuration (deploy/gunicorn.conf.py) and production settings (DEBUG off, Redis cache), an
analyst signed in over HTTP, and wrk — a load generator outside the app — driving each page at a
fixed concurrency. Every request takes the next URL from a list drawn from the data (channels,
parties, speakers, search words, days, pages), so no cache can answer them all.

Prints one table: page, requests/s, p50 and p95 latency, SQL queries per request (summed from
the X-SQL-Queries header each response carries when SQL_COUNT_HEADER=1), the ratio of
requests/s to the floor (`/ping/`, a few bytes through the full middleware stack, same server,
same run), and the peak memory of each worker. Results also go to var/bench/<time>.json.

    .venv/bin/python scripts/bench.py [--sizes small,large] [--duration 10] [--connections 8]
"""

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7")
ANALYST = "bench-analyst"
URLS_PER_PAGE = 2000

# Targets from the scale issue: share of the floor's requests/s.
TARGETS = {
    "board": 0.50,
    "board as of": 0.50,
    "channel board": 0.30,
    "statements filtered": 0.15,
    "search": 0.10,
    "timeline": 0.15,
    "api list": 0.15,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Data --------------------------------------------------------------------------------------


def database_url(size: str) -> str:
    return f"{SERVER}/bench_{size}"


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def app_env(size: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(size),
        **extra,
    }


def prepare_database(size: str, seed: int, rebuild: bool) -> None:
    """Create and fill bench_<size> unless it already holds this size and seed."""
    marker = f"{size}:{seed}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [f"bench_{size}"]
        ).fetchone()
        if exists and not rebuild:
            with psycopg.connect(database_url(size)) as conn:
                try:
                    found = conn.execute("SELECT marker FROM bench_marker").fetchone()
                except psycopg.errors.UndefinedTable:
                    found = None
            if found and found[0] == marker:
                log(f"bench_{size}: reusing the {size} data (seed {seed})")
                manage("migrate", "--no-input", "-v", "0", env=app_env(size))
                return
        if exists:
            admin.execute(f'DROP DATABASE "bench_{size}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "bench_{size}"')
    env = app_env(size)
    log(f"bench_{size}: migrating and generating the {size} data (seed {seed})")
    manage("migrate", "--no-input", "-v", "0", env=env)
    started = time.monotonic()
    manage("generate_demo_data", "--scale", size, "--seed", str(seed), env=env)
    log(f"bench_{size}: generated in {time.monotonic() - started:.0f} s")
    with psycopg.connect(database_url(size), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE bench_marker (marker text)")
        conn.execute("INSERT INTO bench_marker VALUES (%s)", [marker])


def draw_urls(size: str, seed: int) -> dict[str, list[str]]:
    """For each page, URLS_PER_PAGE paths with parameters drawn from the data."""
    rng = random.Random(seed)
    with psycopg.connect(database_url(size)) as conn:

        def column(sql: str) -> list:
            return [row[0] for row in conn.execute(sql)]

        channels = column("SELECT slug FROM events_channel")
        states = column("SELECT slug FROM events_actor WHERE kind = 'state'")
        speakers = column(
            "SELECT a.slug FROM events_actor a WHERE a.kind = 'person' AND EXISTS "
            "(SELECT 1 FROM events_statement s WHERE s.speaker_id = a.id) LIMIT 5000"
        )
        bounds = conn.execute(
            "SELECT min(date_earliest), max(date_latest) FROM events_statuschange"
        ).fetchone()
        assert bounds is not None  # an aggregate without GROUP BY returns one row
        first, last = bounds
        texts = column("SELECT text FROM events_statement ORDER BY id LIMIT 3000")
    words = sorted(
        {w.strip(".,;:“”\"'()").lower() for t in texts for w in t.split() if len(w) > 5} - {""}
    )
    regions = ["", "europe", "east_asia", "middle_east", "africa", "latin_america"]
    statuses = ["", "frozen", "stalled", "limited", "open"]
    tracks = ["", "military", "diplomatic", "economic", "leaders"]
    stances = ["", "hostile", "critical", "neutral", "cooperative", "conciliatory"]
    months = [
        date(year, month, 1)
        for year in range(first.year, last.year + 1)
        for month in range(1, 13)
        if first <= date(year, month, 1) <= last
    ]

    def query(**params) -> str:
        kept = {k: v for k, v in params.items() if v not in ("", None)}
        return "?" + urllib.parse.urlencode(kept) if kept else ""

    def many(make) -> list[str]:
        return [make() for _ in range(URLS_PER_PAGE)]

    return {
        "floor": ["/ping/"],
        "board": many(
            lambda: (
                "/"
                + query(
                    region=rng.choice(regions),
                    status=rng.choice(statuses),
                    track=rng.choice(tracks),
                    group=rng.choice(["", "track", "none"]),
                    page=rng.choice(["", "", 2, 3]),
                )
            )
        ),
        "board as of": many(
            lambda: (
                "/"
                + query(
                    as_of=rng.choice(months).isoformat(),
                    region=rng.choice(regions),
                    status=rng.choice(statuses),
                )
            )
        ),
        "channel board": many(lambda: f"/channels/{rng.choice(channels)}/"),
        "statements filtered": many(
            lambda: (
                "/statements/"
                + query(
                    **rng.choice(
                        [
                            {"speaker": rng.choice(speakers)},
                            {"party": rng.choice(states), "stance": rng.choice(stances)},
                            {"channel": rng.choice(channels)},
                            {"during": str(rng.choice(months).year), "stance": rng.choice(stances)},
                        ]
                    ),
                    page=rng.choice(["", "", 2]),
                )
            )
        ),
        "search": many(
            lambda: "/statements/" + query(q=" ".join(rng.sample(words, rng.choice([1, 1, 2]))))
        ),
        "timeline": many(
            lambda: (
                "/timeline/"
                + query(
                    **rng.choice(
                        [
                            {},
                            {"channel": rng.choice(channels)},
                            {"party": rng.choice(states)},
                            {
                                "track": rng.choice(tracks[1:]),
                                "during": str(rng.choice(months).year),
                            },
                        ]
                    ),
                    page=rng.choice(["", "", 2, 3]),
                )
            )
        ),
        "api list": many(
            lambda: (
                "/api/statements/"
                + query(
                    **rng.choice(
                        [
                            {"speaker": rng.choice(speakers)},
                            {"channel": rng.choice(channels)},
                            {"party": rng.choice(states), "stance": rng.choice(stances)},
                        ]
                    )
                )
            )
        ),
    }


# --- Server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {timeout:.0f} s")


def sign_in(base: str, password: str) -> str:
    """Sign in through the real sign-in form; returns the Cookie header for wrk."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/") as response:
        page = response.read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode(
        {"username": ANALYST, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request) as response:
        if "/accounts/login/" in response.url:
            raise SystemExit("signing in as the bench analyst failed")
    cookies = {cookie.name: cookie.value for cookie in jar}
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def peak_rss_mb(pids: list[int]) -> float:
    """The highest resident memory (VmHWM) any of these processes has reached."""
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def start_server(size: str, port: int, secret: str) -> subprocess.Popen:
    env = app_env(
        size,
        SECRET_KEY=secret,
        REDIS_URL=REDIS,
        SQL_COUNT_HEADER="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        # Measure the workers' own growth: no recycling during a run.
        GUNICORN_MAX_REQUESTS="0",
    )
    return subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def run_wrk(base: str, paths: list[str], cookie: str, duration: int, connections: int) -> dict:
    path_file = ROOT / "var" / "bench" / "paths.txt"
    path_file.write_text("\n".join(paths) + "\n")
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "scripts" / "bench.lua"),
            base,
        ],
        env={**os.environ, "BENCH_PATHS": str(path_file), "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    seconds = figures["duration_us"] / 1e6
    return {
        "rps": figures["requests"] / seconds,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "queries": figures["queries"] / figures["counted"] if figures["counted"] else None,
        "requests": figures["requests"],
        "failures": figures["failures"] + figures["socket_errors"] + figures["timeouts"],
    }


def bench_size(size: str, seed: int, duration: int, connections: int) -> dict:
    urls = draw_urls(size, seed)
    secret = secrets.token_urlsafe(50)
    password = secrets.token_urlsafe(24)
    env = app_env(size, SECRET_KEY=secret)
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"u, _ = User.objects.get_or_create(username={ANALYST!r}); "
        f"u.set_password({password!r}); u.save(); "
        "u.groups.add(Group.objects.get(name='Analysts'))",
        env=env,
    )
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(size, port, secret)
    try:
        wait_for(f"{base}/ping/")
        cookie = sign_in(base, password)
        results = {}
        peak = 0.0
        for page, paths in urls.items():
            # A short warm-up: workers import and connect, as they would have in service.
            run_wrk(base, paths, cookie, 2, connections)
            log(f"  {size}: {page}")
            results[page] = run_wrk(base, paths, cookie, duration, connections)
            peak = max(peak, peak_rss_mb(worker_pids(server.pid)))
        return {"pages": results, "peak_worker_mb": peak, "workers": len(worker_pids(server.pid))}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- Report ------------------------------------------------------------------------------------


def table(runs: dict[str, dict]) -> str:
    sizes = list(runs)
    lines = [
        "| page | size | req/s | p50 ms | p95 ms | SQL/req | × floor | target | vs small |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    pages = list(next(iter(runs.values()))["pages"])
    for page in pages:
        for size in sizes:
            figures = runs[size]["pages"][page]
            floor = runs[size]["pages"]["floor"]["rps"]
            ratio = figures["rps"] / floor
            target = TARGETS.get(page)
            verdict = ""
            if target is not None:
                verdict = f"{target:.0%} {'✓' if ratio >= target else '✗'}"
            versus = ""
            if size != sizes[0]:
                small = runs[sizes[0]]["pages"][page]["rps"]
                share = figures["rps"] / small
                versus = f"{share:.0%} {'✓' if share >= 0.70 else '✗'}"
            queries = "–" if figures["queries"] is None else f"{figures['queries']:.1f}"
            lines.append(
                f"| {page} | {size} | {figures['rps']:.0f} | {figures['p50_ms']:.1f} | "
                f"{figures['p95_ms']:.1f} | {queries} | {ratio:.0%} | {verdict} | {versus} |"
            )
    lines.append("")
    for size in sizes:
        run = runs[size]
        failures = sum(p["failures"] for p in run["pages"].values())
        lines.append(
            f"- {size}: {run['workers']} workers, peak memory per worker "
            f"{run['peak_worker_mb']:.0f} MB (target ≤ 200 MB); failed requests: {failures}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    runs = {}
    for size in args.sizes.split(","):
        prepare_database(size, args.seed, args.rebuild)
        log(f"benchmarking {size}: {args.duration} s per page, {args.connections} connections")
        runs[size] = bench_size(size, args.seed, args.duration, args.connections)
    report = table(runs)
    print(report)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "var" / "bench" / f"{stamp}.json"
    out.write_text(json.dumps({"args": vars(args), "runs": runs}, indent=2))
    log(f"results: {out}")


if __name__ == "__main__":
    main()
