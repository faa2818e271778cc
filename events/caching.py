"""Cached pages that are never older than the last saved edit.

Rendering a board or a channel page costs a dozen queries; analysts open the same few pages all
day. We cache the page body (everything inside `<main>`: the part that depends only on the URL
and the data) under a key that holds the *data version*: one number in the database
(`DataVersion`) that changes after every committed change to the records. A change makes every
older entry unreachable at once, on every app server, whatever cache backend each one uses —
there is nothing to purge and no key to forget. Old entries simply expire.

The shell around the body (who is signed in, the CSRF token of the sign-out form, the CSP nonce)
is rendered per request and never cached. It costs no query beyond the session and its user:
what it asks about the reader — their permissions (`events.access`), the channels they follow,
their board visit — is kept per user in the cache and outdated by the change itself (the
per-user entries below), so a cached page reads the session, the user and the data version.

Why this is exact: a writer changes the version inside its own transaction, so the new number
becomes visible together with the data, at commit (and disappears with it on rollback). A
request reads the version *before* it reads the data, so a page stored under version N was
rendered from data at least as new as N: the worst race stores a newer page under an older key,
never an older page under the current one. Writers lock the version row first
(`lock_data_version`), which keeps the order of row locks the same in every transaction.

Writes that bypass model signals (`QuerySet.update()`, `bulk_create`, raw SQL, `loaddata`'s raw
saves) must call `bump_data_version()` themselves: the demo-data generator and the archive
import do. Cached bodies also carry the release's identity (`RELEASE`: the deployed revision), so a
deploy never serves pages rendered by the previous release, and app servers of one release share
their bodies.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from events.models import (
    BoardVisit,
    ChannelActivity,
    ChannelSummary,
    DataVersion,
    FeedToken,
    Follow,
    SearchEntry,
)

__all__ = [
    "bump_data_version",
    "cached_body",
    "cached_in_generation",
    "cached_with_data",
    "connect_signals",
    "data_key",
    "data_version",
    "followed_channel_ids",
    "followed_channels_changed",
    "lock_data_version",
    "new_generation",
    "own_query",
    "render_cached",
    "request_data_version",
]


def data_version() -> int:
    """The current data version (one indexed read)."""
    rows = DataVersion.objects.filter(pk=1).values_list("version", flat=True)
    version = next(iter(rows), None)
    if version is None:
        # A test database flush or a restore can remove the row: start again.
        version = _recreate_row()
    return version


def request_data_version(request) -> int:
    """The data version as this request first read it: a page and the rows it is built from
    are keyed by the same number, read once."""
    version = getattr(request, "_data_version", None)
    if version is None:
        version = request._data_version = data_version()
    return version


def _recreate_row() -> int:
    try:
        with transaction.atomic():
            return DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})[0].version
    except IntegrityError:  # another process created it first
        return DataVersion.objects.get(pk=1).version


def _bump_now() -> None:
    # A fresh random number rather than +1: after a database restore or a rolled-back test the
    # row may hold an old value again, and an old value must never find a newer cached page.
    new_version = secrets.randbits(62)
    if not DataVersion.objects.filter(pk=1).update(version=new_version):
        _recreate_row()
        DataVersion.objects.filter(pk=1).update(version=new_version)


def bump_data_version() -> None:
    """Make every cached page stale. Inside a transaction the new number becomes visible with
    the transaction's other changes, at commit, and vanishes with them on rollback."""
    _bump_now()


def lock_data_version() -> None:
    """Take the version row's lock first thing in a writing transaction (PostgreSQL; SQLite
    serialises writers anyway). Every write changes that row, so a transaction that first locked
    another row and only then wrote could otherwise deadlock with one that wrote first."""
    DataVersion.objects.select_for_update().filter(pk=1).first()


def _on_change(sender, **kwargs) -> None:
    # Fixture loading (raw saves) happens with the data version flushed anyway.
    if sender is not DataVersion and not kwargs.get("raw"):
        bump_data_version()


def _before_change(sender, **kwargs) -> None:
    # Every writer takes the version row's lock before its first write (a no-op once held), so
    # no transaction holds a record's lock while waiting for the version row: no deadlock.
    if not kwargs.get("raw") and transaction.get_connection().in_atomic_block:
        lock_data_version()


def _on_m2m_change(sender, action, **kwargs) -> None:
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        _before_change(sender)
    elif action in {"post_add", "post_remove", "post_clear"}:
        _on_change(sender)


def connect_signals() -> None:
    """Bump the version after every save and delete of a record of the app (and every change
    to its many-to-many links)."""
    for model in apps.get_app_config("events").get_models():
        # The search index follows the records (events.search); its writes change no page. An
        # analyst's own reading state (follows, visits, feed tokens) never enters a shared body
        # (see `render_cached`'s `personal`): saving it must not throw every cached page away.
        # The board's read model (events.summaries) is written with the records it summarises.
        derived = (DataVersion, SearchEntry, ChannelSummary, ChannelActivity)
        if model in (*derived, Follow, BoardVisit, FeedToken):
            continue
        uid = f"events_data_version_{model._meta.model_name}"
        pre_save.connect(_before_change, sender=model, dispatch_uid=f"{uid}_pre_save")
        pre_delete.connect(_before_change, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}_delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_m2m_change, sender=through, dispatch_uid=f"{uid}_{field.name}")


def _role(user) -> str:
    # Pages read the same for every reader today; the role is in the key so that a page that
    # one day shows editors more can never be served to analysts.
    if not user.is_authenticated:
        return "public"
    return "staff" if user.is_staff else "reader"


def _git_revision(root: Path) -> str:
    """The commit checked out at `root`, read from .git without running git; "" when there is
    none (an unpacked release) or when the work tree differs from it is not knowable cheaply —
    deployments change code only by checking out a commit."""
    git = root / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = (root / git.read_text().partition("gitdir:")[2].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head  # a detached checkout: the commit itself
        ref = head.partition("ref:")[2].strip()
        common = git / "commondir"
        base = (git / common.read_text().strip()).resolve() if common.exists() else git
        for folder in (git, base):
            if (folder / ref).exists():
                return (folder / ref).read_text().strip()
        packed = base / "packed-refs"
        for line in packed.read_text().splitlines() if packed.exists() else []:
            sha, _, name = line.partition(" ")
            if name == ref:
                return sha
    except OSError:
        return ""
    return ""


def release_of(root: Path, *, release_id: str = "", development: bool = False) -> str:
    """The release the pages were rendered by, so that bodies of a previous release are never
    served after a deploy (Redis outlives the app servers) and app servers running the same
    release share them: RELEASE_ID as the deployment sets it, else the git commit checked out,
    else a digest of the contents (not the modification times, which differ between servers)
    of the code and templates. In development (DEBUG) the digest always, since a work tree
    changes without a commit."""
    if release_id:
        return release_id
    if not development and (revision := _git_revision(root)):
        return revision[:16]
    digest = hashlib.blake2b(digest_size=8)
    for folder, pattern in (("templates", "**/*.html"), ("events", "**/*.py")):
        for path in sorted((root / folder).glob(pattern)):
            digest.update(f"{path.relative_to(root)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


RELEASE = release_of(
    Path(settings.BASE_DIR), release_id=settings.RELEASE_ID, development=settings.DEBUG
)


def data_key(request, name: str) -> str:
    """The start of the cache key of anything rendered from the data for this request: `name`,
    the release that rendered it, the data version and today's date ("3 days ago", "upcoming"
    and the sparklines' window move with the calendar)."""
    version = request_data_version(request)
    return f"{name}:{RELEASE}:v{version}:{timezone.localdate().isoformat()}"


def cached_with_data(request, name: str, key: str, load: Callable[[], Any]) -> Any:
    """`load()`'s result, from the cache while the data has not changed since it was stored
    (under `data_key` and `key`), else loaded and stored."""
    full_key = f"{data_key(request, name)}:{key}"
    found = cache.get(full_key)
    if found is None:
        found = load()
        cache.set(full_key, found, settings.PAGE_CACHE_SECONDS)
    return found


def cached_body(
    request,
    name: str,
    render_body: Callable[[], str],
    *,
    params: tuple[str, ...] = (),
    variant: str = "",
) -> str:
    """The page body for this request, from the cache when the data has not changed since it
    was rendered, else rendered by `render_body()` and stored. Only the query parameters named
    in `params` are part of the key, so junk parameters cannot fill the cache. `variant` tells
    apart users of one role who see different bodies (the actions an editor may take)."""
    query = sorted((key, value) for key in params for value in request.GET.getlist(key))
    digest = hashlib.blake2b(repr((request.path, query)).encode(), digest_size=16).hexdigest()
    shape = "hx" if request.headers.get("HX-Request") else "full"
    key = f"{name}:{_role(request.user)}:{variant}:{shape}:{digest}"
    return cached_with_data(request, "page", key, render_body)


def own_query(request, params: tuple[str, ...], *, without: tuple[str, ...] = ()) -> str:
    """The query string of the request's own parameters `params` (those its cache key holds),
    less `without`, for links inside a cached body. Built from anything else of the request
    (`utm_source=…`), a link would be served to every reader of the cached page."""
    query = QueryDict(mutable=True)
    for key in params:
        if key not in without:
            query.setlist(key, request.GET.getlist(key))
    return query.urlencode()


BLOCK_MARKER = "<!--page-block-->"

# A spot in a cached body that is filled for each request (`render_cached`'s `personal`): what
# one analyst sees there (their stars, what changed since their last visit) never enters the
# shared body. Text from the records cannot forge one: templates escape its "<".
PERSONAL_HOLE = re.compile(r"<!--personal:([a-z]+(?:-[0-9]+)?)-->")


def render_cached(
    request,
    name: str,
    template: str,
    get_context: Callable[[], dict],
    *,
    params: tuple[str, ...] = (),
    status: int = 200,
    variant: str = "",
    personal: Callable[[str], str] | None = None,
):
    """Render `template` (a page that extends `base_template`) with `get_context()`, its title,
    head and content blocks cached by `cached_body` (keyed by the query parameters `params` and
    the `variant`),
    inside a shell rendered for this request. `get_context` runs only on a cache miss. Pages
    that answer an error (`status` other than 200) are rendered every time, never stored.

    `personal(name)` fills each `<!--personal:name-->` the body holds, on every request (hole
    punching): a page shared by everyone keeps one cached body and still shows each reader
    their own parts. Without it, the holes stay empty comments."""

    def render_blocks() -> str:
        context = {**get_context(), "base_template": "_blocks.html"}
        return render_to_string(template, context, request)

    body = (
        cached_body(request, name, render_blocks, params=params, variant=variant)
        if status == 200
        else render_blocks()
    )
    parts = body.split(BLOCK_MARKER)
    if len(parts) != 3:  # a body from templates of another shape: render afresh
        parts = render_blocks().split(BLOCK_MARKER)
    title, head, content = parts
    if personal is not None:
        content = PERSONAL_HOLE.sub(lambda hole: personal(hole.group(1)), content)
    context = {
        # Rendered by our own templates, autoescaped there: safe to print as they are.
        "page_title": mark_safe(title.strip()),  # noqa: S308
        "page_head": mark_safe(head),  # noqa: S308
        "page_content": mark_safe(content),  # noqa: S308
    }
    return render(request, "cached_page.html", context, status=status)


# --- Per-user entries -----------------------------------------------------------------------------
# What a page asks about its reader on every request (their permissions: events.access; the
# channels they follow) changes rarely and never with the data version. Each such entry is stamped
# with a *generation*, a random number kept under a key of its own, and counts only while that key
# still holds it: a change starts a new generation instead of deleting entries, so a request that
# loaded the old state a moment before the change can never store it as current.

PERSONAL_SECONDS = 3600


def cached_in_generation(key: str, generation_key: str, load: Callable[[], Any]) -> Any:
    """`load()`'s result, from the cache while `generation_key` holds the generation it was
    stored in (one cache round trip); else loaded and stored. The generation is read before
    loading, so whatever a change made meanwhile is stored under the generation it retired."""
    found = cache.get_many([generation_key, key])
    generation = found.get(generation_key)
    if generation is None:  # never set, or evicted: a generation no entry was stored in
        cache.add(generation_key, secrets.randbits(62), None)
        generation = cache.get(generation_key)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = load()
    cache.set(key, (generation, value), PERSONAL_SECONDS)
    return value


def new_generation(generation_key: str) -> None:
    """Retire every entry stored in `generation_key`'s generation: at once, and again when the
    transaction commits (a request reading between the two would load the rows as they were)."""

    def start() -> None:
        cache.set(generation_key, secrets.randbits(62), None)

    start()
    transaction.on_commit(start)


def _follows_generation(user) -> str:
    return f"follows-generation:{user.pk}"


def followed_channel_ids(user) -> list[int]:
    """The ids of the channels `user` follows (`Follow.objects.channel_ids_of`), read from the
    database only after they changed (`followed_channels_changed`). A follow that goes with its
    deleted channel may linger: it names a row no page has any more."""
    if user is None or not user.is_authenticated:
        return []
    return cached_in_generation(
        f"follows:{user.pk}",
        _follows_generation(user),
        lambda: Follow.objects.channel_ids_of(user),
    )


def followed_channels_changed(user) -> None:
    """`user` starred or unstarred a channel: their next page reads their follows afresh."""
    new_generation(_follows_generation(user))
