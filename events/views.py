"""Pages. Each view is a query (a QuerySet method or `events.selectors`), a filterset and a
template."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import mark_safe

from events import days, editor_actions, exports, fragments, selectors, services
from events.caching import (
    cached_body,
    cached_with_data,
    followed_channel_ids,
    own_query,
    render_cached,
    request_data_version,
)
from events.charts import attach_sparklines, time_strip
from events.filters import ActorFilter, EngagementFilter, SourceFilter, StatementFilter
from events.footnotes import Footnotes
from events.forms import BoardForm, BoardViewForm, TimelineForm
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    Engagement,
    Source,
    Statement,
)
from events.pagination import COUNT_CAP, KeysetPaginator
from events.vocabularies import TIMELINE_KINDS, Track

PER_PAGE = 25
BOARD_PER_PAGE = 48
CHANNEL_STRIP_DAYS = 730


def parse_as_of(request) -> tuple[date | None, str]:
    """`?as_of=YYYY-MM-DD`: show the pages as they stood on that day. Returns (day, error): a
    value that is not a day gives no day and a message saying why (`events.days`)."""
    try:
        return days.parse_as_of(request.GET.get("as_of", "")), ""
    except days.DayError as error:
        return None, str(error)


def ping(request):
    """A few bytes through the whole middleware stack and nothing else: the floor `make bench`
    compares every page with."""
    return HttpResponse(b"ok\n", content_type="text/plain")


SUGGESTIONS = 20


def suggest(request, kind: str):
    """Up to 20 names matching what was typed, as <option>s for a SuggestInput's datalist."""
    term = next((value.strip() for value in request.GET.values() if value.strip()), "")[:100]
    if kind == "channels":
        rows = Channel.objects.suggested(term)[:SUGGESTIONS]
        options = [(c.slug, str(c)) for c in rows]
    elif kind in ("people", "actors"):
        actors = Actor.objects.filter(kind="person") if kind == "people" else Actor.objects
        options = [(a.slug, a.name) for a in actors.suggested(term)[:SUGGESTIONS]]
    else:
        raise Http404("No such suggestions.")
    return render(request, "events/_suggestions.html", {"options": options})


# The board's table columns, in order: (sort key, heading). Sorting is the `sort` parameter,
# the headers its links (selectors.board_sorted).
BOARD_COLUMNS = (
    ("channel", "Channel"),
    ("status", "Status"),
    ("since", "Since"),
    ("trend", "Trend"),
    ("confidence", "Confidence"),
    ("last_contact", "Last contact"),
    ("next", "Next expected"),
    ("sticking", "Open sticking points"),
    ("activity", "Activity"),
    ("reviewed", "Last reviewed"),
)

# How far back the "what changed" strip looks for an analyst's first visit (or anyone who is
# not signed in), and how many changes it lists.
FIRST_VISIT_DAYS = 7
CHANGES_SHOWN = 12


def board(request):
    """Every channel as one row of a comparison table (status, since when, trend, confidence,
    last and next contact, obstacles, activity, last review), grouped, sortable by any column,
    filtered and paged for a desk that follows hundreds; above it, what was recorded since the
    analyst last looked, and their starred channels ("My channels").

    The table is cached for everyone (`events.caching`); the analyst's own parts — the strip of
    changes, the stars and the "changed" marks on rows — are holes filled per request
    (`personal`), so one analyst's view never reaches another's. "My channels" changes which
    rows the body holds, so it is cached per set of followed channels (`variant`): analysts
    following the same channels share it, and a new star makes a new entry."""
    as_of, as_of_error = parse_as_of(request)
    form = BoardForm(request.GET)
    view_form = BoardViewForm(request.GET)
    valid = form.is_valid() and view_form.is_valid()
    status = 400 if as_of_error or not valid else 200
    user = request.user if request.user.is_authenticated else None
    followed = followed_channel_ids(user)
    shown = view_form.cleaned_data if view_form.is_valid() else {}
    mine = bool(user and shown.get("mine"))
    sort = shown.get("sort") or ""
    today = timezone.localdate()
    # The parameters the board reads: its cache key, and all its links carry.
    params = ("as_of", "page", *BoardForm.base_fields, *BoardViewForm.base_fields)

    def context() -> dict:
        filters = form.filters() if form.is_valid() else {}
        channels = Channel.objects.on_board(as_of=as_of, **filters)
        tallies = Channel.objects.on_board(as_of=as_of, **{**filters, "status": ""})
        if mine:
            channels = channels.filter(pk__in=followed)
            tallies = tallies.filter(pk__in=followed)
        group = (form.is_valid() and form.cleaned_data.get("group")) or "status"
        ordered = selectors.board_sorted(
            channels, sort=sort, group=group, as_of=as_of, today=today
        ).values_list("pk", "status_now", "track")
        page = Paginator(ordered, BOARD_PER_PAGE).get_page(request.GET.get("page"))
        tally_counts = tallies.status_tallies()
        rows = page.object_list
        html = fragments.rendered_rows(
            request,
            "board-row",
            [pk for pk, _, _ in rows],
            lambda ids: _board_rows(ids, as_of=as_of, today=today),
            variant=as_of.isoformat() if as_of else "",
        )
        entries = [
            BoardEntry(
                # Rendered by our own template, autoescaped there (and kept in the cache).
                html=mark_safe(row_html),  # noqa: S308
                status=status_now,
                track_label=Track(track).label,
                group_key={"status": status_now, "track": track}.get(group),
                group_count=tally_counts.get(status_now or "none"),
            )
            for (_, status_now, track), row_html in zip(rows, html, strict=True)
        ]
        # Links in the cached body carry only the board's own parameters (own_query).
        query = QueryDict(own_query(request, params, without=("page",)), mutable=True)
        status_query = query.copy()
        status_query.pop("status", None)
        mine_query = query.copy()
        mine_query.pop("mine", None)
        return {
            "form": form,
            "view_form": view_form,
            "channels": entries,
            "page": page,
            "group": group,
            "tallies": tally_counts,
            "status_query": status_query.urlencode(),
            "mine_query": mine_query.urlencode(),
            "mine": mine,
            "columns": _sort_headers(query, sort),
            "filtered": any(filters.values()) or mine,
            "query": query.urlencode(),
            "as_of": as_of,
            "as_of_error": as_of_error,
            "today": today,
        }

    personal = None
    if status == 200:
        since = services.board_visit_record(user=user) if user else None
        personal = _board_personal(
            request,
            since=since,
            followed=followed,
            mine=mine,
        )
    return render_cached(
        request,
        "board",
        "events/channel_board.html",
        context,
        params=params,
        status=status,
        variant=f"mine:{_digest(followed)}" if mine else "",
        personal=personal,
    )


@dataclass(frozen=True)
class BoardEntry:
    """One row of the board table as the page lays it out: its HTML (cached per channel,
    `_board_rows`) and what the group headings above it need."""

    html: str
    status: str | None
    track_label: str
    group_key: str | None
    group_count: int | None


def _board_rows(ids: list[int], *, as_of: date | None, today: date) -> dict[int, str]:
    """The board rows of the channels `ids` (five queries, whatever their number)."""
    cards = attach_sparklines(
        selectors.channel_cards(Channel.objects.all(), ids, as_of=as_of),
        end=as_of or today,
        months=selectors.ACTIVITY_MONTHS,
    )
    template = get_template("events/_board_row.html")
    return {
        card.pk: template.render({"channel": card, "as_of": as_of, "today": today})
        for card in cards
    }


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def _sort_headers(query, sort: str) -> list[dict]:
    """Each column's heading, the link that sorts by it (again: the other way round) and its
    `aria-sort` when it is the sort in force."""
    headers = []
    for key, label in BOARD_COLUMNS:
        link = query.copy()
        link["sort"] = f"-{key}" if sort == key else key
        aria = {key: "ascending", f"-{key}": "descending"}.get(sort, "")
        headers.append({"key": key, "label": label, "href": f"?{link.urlencode()}", "aria": aria})
    return headers


def _board_personal(request, *, since, followed: list[int], mine: bool):
    """The analyst's own parts of the board (see `board`): the strip of what changed since
    `since` (their previous visit; the last `FIRST_VISIT_DAYS` days without one), a star on each
    row, a mark on the rows that changed. Returns the function that fills the holes.

    The strip and the set of changed channels are cached under everything they are made of: the
    data version, the day (the strip says how long ago), the baseline and the channels it
    covers — so a reload costs no query. Without a baseline the strip starts at the beginning of
    the day `FIRST_VISIT_DAYS` ago, which keeps its key for the day the page key has anyway."""
    first_visit = since is None
    if first_visit:
        first_day = timezone.localdate() - timedelta(days=FIRST_VISIT_DAYS)
        since = timezone.make_aware(datetime.combine(first_day, time.min))
    channel_ids = tuple(followed) if mine else None
    key = (
        f"{since.isoformat()}:{first_visit}:{request.user.is_authenticated}:"
        f"{_digest(followed) if mine else 'all'}"
    )
    strip, changed = cached_with_data(
        request,
        "board-changes",
        key,
        lambda: _board_changes(
            since,
            channel_ids,
            first_visit=first_visit,
            signed_in=request.user.is_authenticated,
            mine=mine,
        ),
    )
    mark = render_to_string("events/_changed_mark.html")
    followed_set = set(followed)
    csrf_token = get_token(request) if request.user.is_authenticated else ""
    stars = _star_forms(csrf_token) if csrf_token else {}
    back = escape(request.get_full_path())

    def fill(name: str) -> str:
        kind, _, number = name.partition("-")
        if kind == "changes":
            return strip
        pk = int(number or 0)
        if kind == "mark":
            return mark if pk in changed else ""
        if kind == "star" and stars:
            # The id first: an id-like number in the address (`back`) is left alone.
            return stars[pk in followed_set].replace(_STAR_PK, str(pk)).replace(_STAR_BACK, back)
        return ""

    return fill


# A channel id no channel has (the largest the id column holds): the star form is rendered once
# per state with it, then each row's id is put in its place — 48 renders cost more than the rest
# of a cached board.
_STAR_PK = str(2**63 - 1)
_STAR_BACK = "back-to-the-board"


def _star_forms(csrf_token: str) -> dict[bool, str]:
    """The star form of a followed (True) and of an unfollowed (False) channel, with `_STAR_PK`
    for the channel's id and `_STAR_BACK` for the address to come back to."""
    template = get_template("events/_follow_button.html")
    return {
        followed: template.render(
            {"pk": _STAR_PK, "followed": followed, "next": _STAR_BACK, "csrf_token": csrf_token}
        )
        for followed in (True, False)
    }


def _board_changes(
    since, channel_ids: tuple[int, ...] | None, *, first_visit: bool, signed_in: bool, mine: bool
) -> tuple[str, frozenset[int]]:
    """The strip of what was recorded since `since` (on `channel_ids` only, if given) and the
    channels it changed."""
    where = selectors.StreamFilter(recorded_since=since, order="recorded", channel_ids=channel_ids)
    items = selectors.event_stream(where, limit=CHANGES_SHOWN + 1, with_citations=False)
    changed = frozenset(selectors.channels_changed_since(where))
    strip = render_to_string(
        "events/_board_changes.html",
        {
            "entries": [TimelineEntry.of(item) for item in items[:CHANGES_SHOWN]],
            "more": len(items) > CHANGES_SHOWN,
            "since": since,
            "first_visit": first_visit,
            "signed_in": signed_in,
            "mine": mine,
            "changed_count": len(changed),
            "first_visit_days": FIRST_VISIT_DAYS,
        },
    )
    return strip, changed


def channel_detail(request, slug: str):
    """One channel's status board: first its summary (`selectors.channel_summary`), then each
    section with something recorded, every fact with numbered references to the sources listed
    at the end (`events.footnotes`); for editors, the actions they may take beside each item
    (`events.editor_actions`)."""
    as_of, as_of_error = parse_as_of(request)
    allowed = editor_actions.allowed_actions(request.user)

    def context() -> dict:
        # get_object_or_404 takes any queryset; the stubs only allow one of model instances.
        pk: int = get_object_or_404(  # type: ignore[type-var, assignment]
            Channel.objects.values_list("pk", flat=True), slug=slug
        )
        channel = selectors.channel_status_board(
            Channel.objects.filter(pk=pk), as_of=as_of, recent_of=pk
        ).get()
        end = as_of or timezone.localdate()
        # The strip covers the last two years (a younger channel: all of it), drawn from light
        # rows of its own; the sections below show the latest ten of each kind.
        since = end.replace(day=1) - timedelta(days=CHANNEL_STRIP_DAYS)
        engagements, statements = selectors.strip_records(pk, since=since, as_of=as_of)
        changes = channel.status_changes.all()
        older = bool(changes) and changes[len(changes) - 1].date_earliest < since
        strip = time_strip(
            status_changes=changes,
            engagements=engagements,
            statements=statements,
            start=since if older else None,
            end=end,
            dom_id=f"time-strip-{channel.pk}",
        )
        actions = None
        if allowed:
            source = selectors.latest_source_cited_on(pk)
            back = channel.get_absolute_url()
            if as_of:
                back += f"?as_of={as_of.isoformat()}"
            actions = editor_actions.BoardActions(
                allowed=allowed,
                channel_pk=pk,
                source_pk=source.pk if source else None,
                back=back,
            )
        return {
            "channel": channel,
            "summary": selectors.channel_summary(channel, as_of),
            "footnotes": Footnotes(as_of),
            "as_of": as_of,
            "as_of_error": as_of_error,
            "strip": strip,
            "shown_items": selectors.RECENT_ITEMS,
            "actions": actions,
        }

    return render_cached(
        request,
        "channel",
        "events/channel_detail.html",
        context,
        params=("as_of",),
        status=400 if as_of_error else 200,
        variant=editor_actions.cache_variant(allowed),
    )


def without_empty_parameters(request):
    """A filter form submitted without JavaScript sends every field, set or not
    (`?q=&channel=&stance=hostile`). Such a request is redirected to the same filters without
    the empty ones, so the address shows only the filters in force; None for any other request.
    (With JavaScript, static/js/filters.js leaves them out before the request is sent.)"""
    if request.headers.get("HX-Request"):
        return None
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return None
    return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)


@dataclass(frozen=True)
class ListRows:
    """How a list's rows are rendered once per change of the data (`events.fragments`): the
    kind of record, the template of one row (given the record as `kind`, and the search `q`
    whose words it marks) and the records loaded with everything a row shows."""

    kind: str
    template: str
    records: Callable[[], QuerySet]

    def render(self, request, ids: list[int], q: str) -> list[str]:
        """The rows of `ids`, in order; only those not cached are loaded (a fixed number of
        queries) and rendered. A row depends on its record and `q`, nothing else: not on the
        page's other filters, nor on who reads it."""

        def render_missing(missing: list[int]) -> dict[int, str]:
            template = get_template(self.template)
            records = self.records().in_bulk(missing)
            return {
                pk: template.render({self.kind: record, "q": q}) for pk, record in records.items()
            }

        variant = f"q:{_digest(q)}" if q else ""
        html = fragments.rendered_rows(request, self.kind, ids, render_missing, variant=variant)
        return [mark_safe(row) for row in html]  # noqa: S308 (rendered from our templates)


def list_page(
    request,
    *,
    filterset_class,
    queryset,
    template: str,
    columns,
    filename: str,
    rows: ListRows | None = None,
):
    """A filtered, sorted list, paged by keyset (`events.pagination`), that also downloads as
    CSV or JSON and answers htmx requests with just its results fragment. With `rows`, a page
    reads its records' ids alone and takes each row from the cache of rendered rows."""
    if cleaned := without_empty_parameters(request):
        return cleaned
    filterset = filterset_class(request.GET or None, queryset=queryset)
    # Unbound (no parameters at all): every row. Bound: the filtered rows, or none when a filter
    # cannot be read (the form shows why).
    matching = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    fmt = request.GET.get("format")
    if fmt in ("csv", "json"):
        return exports.export(matching, columns, fmt, filename)
    q = request.GET.get("q", "")
    if rows is None:
        page = KeysetPaginator(matching, PER_PAGE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    else:
        ids = matching.prefetch_related(None).values_list("pk", flat=True)
        page = KeysetPaginator(ids, PER_PAGE).get_page(request.GET.get("page"))
        shown = rows.render(request, list(page.object_list), q)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": shown,
        "query": query.urlencode(),
        "q": q,
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = f"{template}#results"
    return _htmx_aware(render(request, template, context))


def engagement_list(request):
    return list_page(
        request,
        filterset_class=EngagementFilter,
        queryset=Engagement.objects.with_details().soonest_first(),
        template="events/engagement_list.html",
        columns=exports.ENGAGEMENT_COLUMNS,
        filename="engagements",
        rows=ListRows("engagement", "events/_engagement_row.html", _engagements_in_full),
    )


def _engagements_in_full():
    return Engagement.objects.with_details()


def _statements_in_full():
    return Statement.objects.with_details().prefetch_related(
        "channels__party_a", "channels__party_b"
    )


def statement_list(request):
    return list_page(
        request,
        filterset_class=StatementFilter,
        queryset=_statements_in_full().newest_first(),
        template="events/statement_list.html",
        columns=exports.STATEMENT_COLUMNS,
        filename="statements",
        rows=ListRows("statement", "events/_statement_row.html", _statements_in_full),
    )


def actor_list(request):
    return list_page(
        request,
        filterset_class=ActorFilter,
        queryset=Actor.objects.select_related("state").order_by("name"),
        template="events/actor_list.html",
        columns=exports.ACTOR_COLUMNS,
        filename="actors",
    )


def source_list(request):
    return list_page(
        request,
        filterset_class=SourceFilter,
        queryset=Source.objects.with_citation_count().order_by("-published_earliest", "outlet"),
        template="events/source_list.html",
        columns=exports.SOURCE_COLUMNS,
        filename="sources",
    )


def actor_detail(request, slug: str):
    """One actor: offices over time, engagements, statements, counterpart claims."""
    actor = get_object_or_404(selectors.actor_profile(Actor.objects.all()), slug=slug)
    return render(
        request,
        "events/actor_detail.html",
        {
            "actor": actor,
            "claims": selectors.counterpart_claims_about(actor),
            "footnotes": Footnotes(),
        },
    )


def timeline(request):
    """The event stream across channels (status changes, engagement steps, statements, sticking
    points raised and resolved, counterpart claims that ended, characterisations), newest event
    first or (`order=recorded`) newest recorded first, as the feeds list it.

    The results (count, entries, pages) are cached per data version and the filters in force
    (`cached_body`), except for "recorded in the last N days", whose window moves with the
    clock: a reload or a reader with the same filters costs no stream query."""
    if cleaned := without_empty_parameters(request):
        return cleaned
    # The data version first, then the data (the filters' channel and party): results read
    # after a change are never stored under the version before it.
    request_data_version(request)
    form = TimelineForm(request.GET or None)
    # The filters in force; None when they cannot be read (the form says why).
    data: dict | None = {}
    if form.is_bound:
        data = form.cleaned_data if form.is_valid() else None
    # The parameters the results read: their cache key, and all their links carry.
    params = ("page", *TimelineForm.base_fields)

    def results() -> str:
        return render_to_string(
            "events/_timeline_results.html", _timeline_results(request, form, data, params)
        )

    if data is not None and not data.get("days"):
        html = cached_body(request, "timeline", results, params=params)
    else:
        html = results()
    template = "events/timeline.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = f"{template}#results"
    # Rendered by our own template, autoescaped there (and kept in the cache).
    context = {"form": form, "results": mark_safe(html)}  # noqa: S308
    return _htmx_aware(render(request, template, context))


def _timeline_results(request, form, data: dict | None, params: tuple[str, ...]) -> dict:
    """What the timeline's results show for the filters `data` (None: the filters could not be
    read, so nothing is shown but why)."""
    entries, total = [], 0
    page_number = _page_number(request)
    if data is not None:
        days = data.get("days")
        where = selectors.StreamFilter(
            channel=data.get("channel"),
            party=data.get("party"),
            track=data.get("track", ""),
            kinds=tuple(data.get("kind") or TIMELINE_KINDS),
            during=data.get("during"),
            recorded_since=timezone.now() - timedelta(days=days) if days else None,
            order=data.get("order") or "event",
        )
        total = selectors.event_stream_count(where)
        # Past the last page: the last page, as the lists do (and with the queries of any page).
        page_number = min(page_number, max(1, -(-min(total, COUNT_CAP) // PER_PAGE)))
        items = selectors.event_stream(
            where, limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE, paged=True
        )
        entries = [TimelineEntry.of(item) for item in items]
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    return {
        "form": form,
        "entries": entries,
        "total": total,
        "total_label": f"more than {COUNT_CAP:,}" if capped else f"{total:,}",
        "page_number": page_number,
        "pages": max(1, -(-total // PER_PAGE)),
        # Links in cached results carry only the timeline's own parameters (own_query).
        "query": own_query(request, params, without=("page",)),
    }


@dataclass(frozen=True)
class TimelineEntry:
    """How the timeline shows one item of the event stream."""

    kind: str
    when: FuzzyDate | None
    title: str
    text: str
    channels: tuple
    record: selectors.StreamRecord
    anchor: str
    ref: str  # the item's name, as the Atom feeds' entry ids end: "statuschange-12"

    @classmethod
    def of(cls, item: selectors.StreamItem) -> "TimelineEntry":
        title, text, anchor = _timeline_text(item.kind, item.record)
        return cls(item.kind, item.when, title, text, item.channels, item.record, anchor, item.ref)

    @property
    def label(self) -> str:
        return TIMELINE_LABELS[self.kind]


# What the timeline calls each kind of item, beside its date.
TIMELINE_LABELS = {
    "status": "Status",
    "step": "Engagement",
    "statement": "Statement",
    "raised": "Sticking point raised",
    "resolved": "Sticking point resolved",
    "claim": "Counterpart claim",
    "characterisation": "Characterisation",
}


def _timeline_text(kind: str, record) -> tuple[str, str, str]:
    """An item's title, line of text and anchor on its channel's page."""
    if kind == "status":
        return f"{record.channel}: {record.get_status_display()}", record.explanation, "history"
    if kind == "step":
        title = f"{record.engagement.title}: {record.get_to_state_display().lower()}"
        return title, record.note, f"engagement-{record.engagement_id}"
    if kind == "statement":
        words = f"“{record.text}”" if record.is_verbatim else record.text
        return f"{record.speaker.name}: {words}", record.venue, "statements"
    if kind in ("raised", "resolved"):
        return f"{record.title}: {kind}", record.description, "sticking-points"
    if kind == "claim":
        return claim_ending(record), record.outcome_note, "counterparts"
    side = record.side.label
    return (
        f"{record.engagement.title}: {side} called it “{record.words}”",
        "",
        f"engagement-{record.engagement_id}",
    )


def claim_ending(claim) -> str:
    """ "China's view of the counterpart of the Secretary of Defense: settled"."""
    return (
        f"{claim.claimant.label}’s view of the counterpart of the {claim.office.title}: "
        f"{claim.get_outcome_display().lower()}"
    )


def _page_number(request) -> int:
    """The page asked for, within the pages a capped count offers (a far page would make every
    record type fetch all the rows before it)."""
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    return min(max(1, number), COUNT_CAP // PER_PAGE)


def _htmx_aware(response):
    """The same URL answers with a whole page or (htmx) just the results: caches must keep the
    two apart, or Back could show a bare fragment."""
    patch_vary_headers(response, ["HX-Request"])
    return response
