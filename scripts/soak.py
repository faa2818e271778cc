"""`make soak`: a bounded soak test on loopback — analysts reading and editors writing at once.

Serves the app with gunicorn and production settings (deploy/gunicorn.conf.py, DEBUG off,
WhiteNoise with the manifest, plain HTTP on 127.0.0.1) against PostgreSQL, with the seed loaded,
and drives it from several client threads for a fixed time:

- analysts (signed in) open the board, channel boards, filtered lists, search, the timeline,
  actor pages, a feed and the API;
- editors (signed in, staff) add sources and cited statements through the admin's own forms —
  real POSTs with the CSRF token, each write carrying a unique marker — and open the admin's
  lists and the boards in between.

Then it reports requests, errors (5xx and transport errors apart), p50/p95 latency, each gunicorn
worker's memory (RSS) at the start and the end, and checks that every write the server
acknowledged (302 after an admin add) is in the database. Exit status 1 on any server error,
transport error, unexpected status or lost write.

Environment: SOAK_SECONDS (default 180), SOAK_CLIENTS (default 8), SOAK_EDITORS (default a
quarter of the clients, at least 1), DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/soak, created when missing), WEB_CONCURRENCY and
GUNICORN_THREADS (as deploy/gunicorn.conf.py). Workers are not recycled during the soak
(GUNICORN_MAX_REQUESTS=0) so that memory growth shows.
"""

import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/soak"
PASSWORD = secrets.token_urlsafe(24)  # for the soak's two accounts, this run only
ANALYST, EDITOR = "soak-analyst", "soak-editor"
REQUEST_TIMEOUT = 30


# --- Setting up: database, seed, accounts, static files ------------------------------------------


def environment() -> dict[str, str]:
    """Production settings for plain HTTP on loopback, for this script and the server alike."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        HTTPS="0",
        STATIC_MANIFEST="1",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="diplomacy.settings",
        GUNICORN_MAX_REQUESTS="0",
    )
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env["DATABASE_URL"] = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"soak: needs PostgreSQL (DATABASE_URL={url}); several processes write at once.")
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"soak: created database {name}")


def prepare() -> dict:
    """Migrate, load the seed, (re)set the two accounts, collect static files; return what the
    clients will ask for."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connections

    from events.models import Actor, Channel, Source, Statement
    from events.roles import ANALYSTS, EDITORS

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_seed", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    for username, group, staff in ((ANALYST, ANALYSTS, False), (EDITOR, EDITORS, True)):
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = staff
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=group)])

    words = Counter(
        word.strip(".,;:“”\"'()").lower()
        for text in Statement.objects.values_list("text", flat=True)
        for word in text.split()
    )
    targets = {
        "channels": list(Channel.objects.values_list("slug", flat=True)),
        "channel_ids": list(Channel.objects.values_list("pk", flat=True)),
        "actors": list(Actor.objects.values_list("slug", flat=True)),
        "people": list(Actor.objects.filter(kind="person").values_list("pk", flat=True)),
        "states": list(Actor.objects.filter(kind="state").values_list("pk", flat=True)),
        "sources": list(Source.objects.values_list("pk", flat=True)[:20]),
        "words": [word for word, _ in words.most_common(60) if len(word) > 4][:20] or ["talk"],
    }
    connections.close_all()
    return targets


def verify(acknowledged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The acknowledged writes that are not in the database."""
    from events.models import Source, Statement

    markers = defaultdict(set)
    for kind, marker in acknowledged:
        markers[kind].add(marker)
    found = set(Source.objects.filter(title__in=markers["source"]).values_list("title", flat=True))
    found |= set(
        Statement.objects.filter(text__in=markers["statement"]).values_list("text", flat=True)
    )
    return [(kind, marker) for kind, marker in acknowledged if marker not in found]


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_of(pid: int) -> list[int]:
    try:
        return sorted(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# --- The clients ---------------------------------------------------------------------------------


class _Form(HTMLParser):
    """What a browser would post from the admin's main form: inputs (checked boxes only),
    selected options (or a single select's first), textareas; inline templates left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        name = attrs.get("name")
        if not self._in_form or (not name and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value") or "on")
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                self._add(name, attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "on": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["on"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea[0], self._textarea[1].removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            values = select["on"] or (
                [select["first"]] if not select["multiple"] and select["first"] else []
            )
            for value in values:
                self._add(select["name"], value)


@dataclass
class Tally:
    """What every client saw, shared between threads (append-only lists and counters)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One browser: a keep-alive connection, its cookies, its session."""

    def __init__(self, port: int, tally: Tally):
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        return self.conn

    def _close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, kind: str, method: str, path: str, body: dict | None = None, expect=(200,)):
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if body is not None:
            payload = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            self._close()  # a POST on a fresh connection: never retried, never half-sent
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                conn = self._connection()
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                self._close()
                # A keep-alive connection the server had closed between two requests: a
                # browser would retry a GET on a new connection, and so do we, once.
                if method == "GET" and reused and attempt == 1:
                    continue
                return self._failed(kind, method, path, e)
            except OSError as e:
                self._close()
                return self._failed(kind, method, path, e)
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self._close()
        with self.tally.lock:
            self.tally.latencies[kind].append(elapsed)
            self.tally.statuses[response.status] += 1
            if response.status >= 500:
                self.tally.server_errors.append(f"{response.status} {method} {path}")
            elif response.status not in expect:
                self.tally.unexpected.append(f"{response.status} {method} {path}")
        return response.status, response, content.decode("utf-8", "replace")

    def _failed(self, kind, method, path, error):
        with self.tally.lock:
            self.tally.transport_errors.append(f"{method} {path}: {type(error).__name__} {error}")
        return None, None, ""

    def sign_in(self, username: str) -> bool:
        self.request("sign-in", "GET", "/accounts/login/")
        status, _response, _ = self.request(
            "sign-in",
            "POST",
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
            expect=(302,),
        )
        return status == 302

    def admin_add(self, model: str, fields: dict) -> bool:
        """Open the admin's add form, fill it in as a person would, post it; True when the
        server acknowledged the save (302 to the list)."""
        url = f"/admin/events/{model}/add/"
        status, _, html = self.request("admin form", "GET", url)
        if status != 200:
            return False
        form = _Form()
        form.feed(html)
        data = form.data
        for name, value in fields.items():
            data[name] = value if isinstance(value, list) else [str(value)]
        status, _, page = self.request("admin save", "POST", url, data, expect=(302,))
        if status == 200:
            with self.tally.lock:
                self.tally.unexpected.append(f"refused {model}: {_first_error(page)}")
        return status == 302


def _first_error(page: str) -> str:
    start = page.find('class="errorlist')
    return " ".join(page[start : start + 300].split()) if start >= 0 else "(no message)"


def reads(targets: dict) -> list:
    """Each analyst request: a function of the random generator that returns a path."""
    channels, actors, words = targets["channels"], targets["actors"], targets["words"]
    q = urllib.parse.quote
    return [
        lambda r: "/",
        lambda r: f"/?as_of=2025-09-{r.randint(1, 30):02d}",
        lambda r: f"/channels/{r.choice(channels)}/",
        lambda r: f"/channels/{r.choice(channels)}/?as_of=2025-09-{r.randint(1, 30):02d}",
        lambda r: f"/engagements/?channel={r.choice(channels)}",
        lambda r: f"/statements/?q={q(r.choice(words))}",
        lambda r: f"/statements/?channel={r.choice(channels)}&sort=-said",
        lambda r: "/actors/?kind=person",
        lambda r: f"/actors/{r.choice(actors)}/",
        lambda r: "/sources/?kind=major_outlet",
        lambda r: f"/timeline/?channel={r.choice(channels)}",
        lambda r: "/timeline/",
        lambda r: "/feeds/board.atom",
        lambda r: "/api/channels/",
        lambda r: f"/api/statements/?q={q(r.choice(words))}",
        lambda r: f"/api/engagements/?channel={r.choice(channels)}",
    ]


class Clock:
    """Every client signs in first (slow on purpose: password hashing); the run's time starts
    when all have."""

    def __init__(self, clients: int, seconds: float):
        self.seconds = seconds
        self.deadline = 0.0
        self._barrier = threading.Barrier(clients + 1, action=self._start)

    def _start(self):
        self.deadline = time.monotonic() + self.seconds

    def wait_for_everyone(self) -> float:
        self._barrier.wait()
        return self.deadline


def analyst(port: int, tally: Tally, targets: dict, clock: Clock, seed: int):
    rng = random.Random(seed)
    client = Client(port, tally)
    signed_in = client.sign_in(ANALYST)
    deadline = clock.wait_for_everyone()
    if not signed_in:
        return
    pages = reads(targets)
    while time.monotonic() < deadline:
        client.request("read", "GET", rng.choice(pages)(rng))


def editor(port: int, tally: Tally, targets: dict, clock: Clock, seed: int, run: str):
    rng = random.Random(seed)
    client = Client(port, tally)
    signed_in = client.sign_in(EDITOR)
    deadline = clock.wait_for_everyone()
    if not signed_in:
        return
    citations = "events-citation-content_type-object_id"
    n = 0
    while time.monotonic() < deadline:
        n += 1
        marker = f"soak {run} e{seed} #{n}"
        if n % 2:
            kind, saved = (
                "source",
                client.admin_add(
                    "source",
                    {
                        "kind": "major_outlet",
                        "outlet": "Soak Wire",
                        "title": marker,
                        "published": "mid September 2025",
                    },
                ),
            )
        else:
            marker = f"We are ready to talk ({marker})."
            kind, saved = (
                "statement",
                client.admin_add(
                    "statement",
                    {
                        "speaker": rng.choice(targets["people"]),
                        "text": marker,
                        "is_verbatim": "on",
                        "said": "mid Sept 2025",
                        "venue": "Soak briefing",
                        "stance": "conciliatory",
                        "toward": rng.choice(targets["states"]),
                        "channels": [str(rng.choice(targets["channel_ids"]))],
                        f"{citations}-TOTAL_FORMS": "1",
                        f"{citations}-0-source": rng.choice(targets["sources"]),
                        f"{citations}-0-passage": marker,
                        f"{citations}-0-passage_is_verbatim": "on",
                    },
                ),
            )
        if saved:
            with tally.lock:
                tally.acknowledged.append((kind, marker))
        client.request("read", "GET", f"/admin/events/{kind}/")
        client.request("read", "GET", f"/channels/{rng.choice(targets['channels'])}/")


# --- Putting it together -------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS") or 180)
    clients = max(2, int(os.environ.get("SOAK_CLIENTS") or 8))
    editors = min(clients - 1, max(1, int(os.environ.get("SOAK_EDITORS") or clients // 4)))
    env = environment()
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])
    print("soak: migrating, loading the seed, collecting static files …", flush=True)
    targets = prepare()

    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log_path = ROOT / "var" / "soak-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    tally = Tally()
    try:
        warm = Client(port, Tally())
        for _ in range(120):
            if warm.request("warm-up", "GET", "/healthz")[0] == 200:
                break
            time.sleep(0.5)
        else:
            print(f"soak: the server did not come up; see {log_path}")
            return 1
        # Every page a few times per worker first, so that "start" is a worker that has loaded
        # its code and templates, and growth afterwards is what the load adds.
        warm.sign_in(ANALYST)
        warm_editor = Client(port, Tally())
        warm_editor.sign_in(EDITOR)
        rng = random.Random(0)
        workers = workers_of(server.pid)
        admin_pages = [
            f"/admin/events/{m}/{a}" for m in ("source", "statement") for a in ("", "add/")
        ]
        for _ in range(3 * len(workers)):
            for client, pages in (
                (warm, [p(rng) for p in reads(targets)]),
                (warm_editor, admin_pages),
            ):
                for page in pages:
                    client._close()  # a new connection each time: every worker gets its share
                    client.request("warm-up", "GET", page)
        memory = [{pid: rss_mb(pid) for pid in workers}]

        run = secrets.token_hex(3)
        clock = Clock(clients, seconds)
        print(
            f"soak: {seconds:.0f} s, {clients - editors} analysts and {editors} editors against "
            f"gunicorn ({len(workers)} workers) on 127.0.0.1:{port} …",
            flush=True,
        )
        threads = [
            threading.Thread(target=editor, args=(port, tally, targets, clock, i, run))
            for i in range(editors)
        ] + [
            threading.Thread(target=analyst, args=(port, tally, targets, clock, 100 + i))
            for i in range(clients - editors)
        ]
        for thread in threads:
            thread.start()
        started = clock.wait_for_everyone() - seconds
        # Memory every quarter of the run: growth that levels off is warming up, growth that
        # keeps its pace is a leak.
        for quarter in (1, 2, 3, 4):
            while time.monotonic() < started + seconds * quarter / 4 and threads[0].is_alive():
                time.sleep(0.2)
            if quarter == 4:
                for thread in threads:
                    thread.join()
            memory.append({pid: rss_mb(pid) for pid in workers_of(server.pid)})
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    lost = verify(tally.acknowledged)
    total = sum(map(len, tally.latencies.values())) + len(tally.transport_errors)
    # Sign-ins are timed apart: password hashing is slow on purpose.
    every = [t for kind, values in tally.latencies.items() if kind != "sign-in" for t in values]
    print()
    print(
        f"requests: {total}; after sign-in {len(every)} in {elapsed:.0f} s "
        f"({len(every) / elapsed:.1f}/s)"
    )
    print(
        f"server errors (5xx): {len(tally.server_errors)}   "
        f"transport errors: {len(tally.transport_errors)}   "
        f"unexpected statuses: {len(tally.unexpected)}"
    )
    print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())))
    print(f"latency (all but sign-in): p50 {ms(percentile(every, 0.5))}, p95 "
          f"{ms(percentile(every, 0.95))}, max {ms(max(every, default=0))}")  # fmt: skip
    for kind in ("read", "sign-in", "admin form", "admin save"):
        values = tally.latencies.get(kind, [])
        if values:
            print(
                f"  {kind:<11} {len(values):>6}  p50 {ms(percentile(values, 0.5)):>7}  "
                f"p95 {ms(percentile(values, 0.95)):>7}  mean {ms(statistics.fmean(values)):>7}"
            )
    print("gunicorn workers, memory (RSS, MB) at the start and after each quarter of the run:")
    for pid in sorted(set().union(*memory)):
        samples = [sample.get(pid) for sample in memory]
        text = " → ".join(f"{mb:5.1f}" if mb else "  —  " for mb in samples)
        start, end = samples[0], samples[-1]
        growth = f"  ({end - start:+.1f})" if start and end else ""
        print(f"  worker {pid}: {text}{growth}")
    writes = Counter(kind for kind, _ in tally.acknowledged)
    print(
        f"acknowledged writes: {len(tally.acknowledged)} "
        f"({writes['source']} sources, {writes['statement']} statements); "
        f"in the database: {len(tally.acknowledged) - len(lost)}"
    )
    print(f"lost writes: {len(lost)}")
    for problem in (tally.server_errors + tally.transport_errors + tally.unexpected)[:20]:
        print(f"  ! {problem}")
    for kind, marker in lost[:20]:
        print(f"  lost {kind}: {marker}")
    failed = bool(lost or tally.server_errors or tally.transport_errors or tally.unexpected)
    if not tally.acknowledged:
        print("soak: no write was acknowledged")
        failed = True
    print("soak: FAILED" if failed else "soak: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
