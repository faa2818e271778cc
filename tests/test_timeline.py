"""The timeline: status changes, engagement steps, statements, sticking points raised and
resolved, counterpart claims that ended and characterisations across channels, newest first,
filterable by channel, party, track, kind and period, and by when editors recorded them."""

import html as html_lib
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    StatementFactory,
    StatusChangeFactory,
    TransitionFactory,
    cite,
)
from tests.test_lists import count_text, text_of

pytestmark = pytest.mark.django_db

TIMELINE = reverse("events:timeline")

SUMMIT_STEP = "Anticipated Trump–Xi summit: proposed"
FORUM_STEP = "Beijing Xiangshan Forum — US participation: scheduled"
CALL_STEP = "Proposed call between the Pentagon and China's military leadership: proposed"
STALLED = "US–China military-to-military: Stalled"
RUBIO_STEP = "Rubio meets China's Foreign Minister in Malaysia: held"
OPEN = "US–China diplomatic: Open"
THREAT = "Pete Hegseth: “The threat China poses is real and it could be imminent.”"
NO_SUBJUGATION = "Pete Hegseth: “We will not instigate nor seek to subjugate or humiliate”"
COUNTERPART_RAISED = "Who is Hegseth's counterpart: raised"
REMARKS_RAISED = "Hegseth's remarks on China: raised"
DESCRIBED = (
    "Rubio meets China's Foreign Minister in Malaysia: US called it “constructive and pragmatic”"
)

# Same-day items: the one recorded last first (the seed loads sticking points last).
SEED_TIMELINE = [
    (COUNTERPART_RAISED, "3–16 September 2025"),
    (REMARKS_RAISED, "3–16 September 2025"),
    (SUMMIT_STEP, "3–16 September 2025"),
    (FORUM_STEP, "3–16 September 2025"),
    (CALL_STEP, "3–16 September 2025"),
    (STALLED, "3–16 September 2025"),
    (DESCRIBED, "11 July 2025"),
    (RUBIO_STEP, "11 July 2025"),
    (OPEN, "11 July 2025"),
    (THREAT, "31 May 2025"),
    (NO_SUBJUGATION, "31 May 2025"),
]


def get(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def entries(html: str) -> list[tuple[str, str]]:
    """(title, date) of each entry, in the order shown."""
    found = []
    for item in re.findall(
        r'<li class="timeline__entry[^"]*"[^>]*>(.*?)</li>\s*(?=<li|</ol>)', html, re.S
    ):
        title = re.search(r'<p class="timeline__title">(.*?)</p>', item, re.S).group(1)
        # A <time datetime> for a date that a day, month or year holds, else a <span>.
        when = re.search(r"<(time|span)[^>]*>(.*?)</\1>", item).group(2)
        title = text_of(title)
        for badge in ("Open ", "Stalled ", "Limited ", "Frozen "):
            title = title.removeprefix(badge)  # the status badge before a change's title
        found.append((title, html_lib.unescape(when)))
    return found


def titles(client, url: str) -> list[str]:
    return [title for title, _ in entries(get(client, url))]


# --- The seed ------------------------------------------------------------------------------------


def test_timeline_shows_the_seed_newest_first(client, seeded):
    html = get(client, TIMELINE)
    assert entries(html) == SEED_TIMELINE
    assert count_text(html) == "11 events"


def test_entries_say_what_kind_they_are_link_to_their_channel_and_cite_sources(client, seeded):
    html = get(client, TIMELINE)
    stalled = re.search(
        r'<li class="timeline__entry timeline__entry--status" id="[^"]*">(.*?)</li>', html, re.S
    )
    text = text_of(stalled.group(1))
    assert text.startswith("3–16 September 2025 Status Stalled US–China military-to-military")
    assert "Hegseth's past remarks" in text
    # A source count that opens to the source: outlet, headline, kind, date.
    assert (
        "1 source Online news report (outlet not recorded), Pentagon proposes military call with "
        "China; Beijing has yet to accept · Secondary report · 3–16 September 2025" in text
    )
    assert '<a href="/channels/us-china-military/#history">' in stalled.group(1)
    statement = re.search(
        r'<li class="timeline__entry timeline__entry--statement" id="[^"]*">(.*?)</li>', html, re.S
    )
    assert "Shangri-La Dialogue, Singapore" in text_of(statement.group(1))
    assert '<a href="/channels/us-china-military/#statements">' in statement.group(1)
    step = re.search(
        r'<li class="timeline__entry timeline__entry--step" id="[^"]*">(.*?)</li>', html, re.S
    )
    assert re.search(r'<a href="/channels/us-china-leaders/#engagement-\d+">', step.group(1))


# --- Filters -------------------------------------------------------------------------------------

SEPTEMBER_STEPS = [SUMMIT_STEP, FORUM_STEP, CALL_STEP, STALLED]
MILITARY_ITEMS = [
    COUNTERPART_RAISED,
    REMARKS_RAISED,
    FORUM_STEP,
    CALL_STEP,
    STALLED,
    THREAT,
    NO_SUBJUGATION,
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "channel=us-china-military",
            [*MILITARY_ITEMS],
        ),
        ("channel=us-china-diplomatic", [DESCRIBED, RUBIO_STEP, OPEN]),
        ("track=leaders", [SUMMIT_STEP]),
        ("track=diplomatic", [DESCRIBED, RUBIO_STEP, OPEN]),
        ("track=economic", []),
        ("kind=status", [STALLED, OPEN]),
        ("kind=step", [SUMMIT_STEP, FORUM_STEP, CALL_STEP, RUBIO_STEP]),
        ("kind=statement", [THREAT, NO_SUBJUGATION]),
        ("kind=status&kind=statement", [STALLED, OPEN, THREAT, NO_SUBJUGATION]),
        ("kind=raised", [COUNTERPART_RAISED, REMARKS_RAISED]),
        ("kind=resolved&kind=claim", []),
        ("kind=characterisation", [DESCRIBED]),
        ("during=September 2025", [COUNTERPART_RAISED, REMARKS_RAISED, *SEPTEMBER_STEPS]),
        ("during=mid September 2025", [COUNTERPART_RAISED, REMARKS_RAISED, *SEPTEMBER_STEPS]),
        ("during=July 2025", [DESCRIBED, RUBIO_STEP, OPEN]),
        ("during=Q2 2025", [THREAT, NO_SUBJUGATION]),
        ("during=August 2025", []),
        ("channel=us-china-military&kind=step", [FORUM_STEP, CALL_STEP]),
        ("channel=us-china-military&during=2025-05-31", [THREAT, NO_SUBJUGATION]),
        ("party=china", [title for title, _ in SEED_TIMELINE]),
    ],
)
def test_timeline_filters(client, seeded, query, expected):
    assert titles(client, f"{TIMELINE}?{query}") == expected


def test_party_filter_keeps_that_partys_channels(client, seeded):
    other = ChannelFactory(slug="other", track="economic")
    cite(StatusChangeFactory(channel=other, status="frozen", explanation="Trade talks frozen."))
    frozen = f"{other}: Frozen"
    assert titles(client, f"{TIMELINE}?party={other.party_a.slug}") == [frozen]
    assert titles(client, f"{TIMELINE}?party={other.party_b.slug}") == [frozen]
    assert frozen not in titles(client, f"{TIMELINE}?party=china")
    assert titles(client, f"{TIMELINE}?track=economic") == [frozen]


def test_kind_checkboxes_show_what_is_ticked(client, seeded):
    html = get(client, f"{TIMELINE}?kind=status&kind=statement")
    checked = set(re.findall(r'<input type="checkbox" name="kind" value="(\w+)"[^>]*checked', html))
    assert checked == {"status", "statement"}
    labels = text_of(re.search(r"<fieldset[^>]*>(.*?)</fieldset>", html, re.S).group(1))
    assert labels == (
        "Show Status changes Lifecycle steps Statements Sticking points raised "
        "Sticking points resolved Counterpart claims settled or superseded Characterisations"
    )


def test_unreadable_period_gets_a_message_and_nothing_else(client, seeded):
    html = get(client, f"{TIMELINE}?during=next tuesday")
    assert entries(html) == []
    assert count_text(html) == "0 events"
    error = re.search(
        r'<p class="field-error" id="id_during_error" role="alert">(.*?)</p>', html, re.S
    )
    assert "next tuesday" in text_of(error.group(1)) and "is not a date" in text_of(error.group(1))
    assert "A filter could not be read" in text_of(html)


@pytest.mark.parametrize("query", ["days=0", "days=abc", "channel=nowhere", "kind=gossip"])
def test_other_bad_filters_show_a_message(client, seeded, query):
    html = get(client, f"{TIMELINE}?{query}")
    assert entries(html) == []
    assert 'class="field-error"' in html


# --- Recorded in the last N days ------------------------------------------------------------------


@pytest.fixture
def recorded(db):
    """One record of each kind entered just now and one entered 60 days ago."""
    channel = ChannelFactory()
    made = {}
    for age in ("new", "old"):
        change = StatusChangeFactory(channel=channel, explanation=f"{age} status")
        step = TransitionFactory(
            engagement=EngagementFactory(channel=channel, title=f"{age} meeting")
        )
        statement = StatementFactory(
            text=f"{age} words",
            said_earliest=date(2025, 8, 1),
            said_latest=date(2025, 8, 1),
            said_precision="day",
        )
        statement.channels.add(channel)
        made[age] = (change, step, statement)
    long_ago = timezone.now() - timedelta(days=60)
    change, step, statement = made["old"]
    # Recorded and last changed long ago.
    for record in (change, step, statement):
        type(record).objects.filter(pk=record.pk).update(recorded_at=long_ago, changed_at=long_ago)
    return made


def test_days_keeps_only_what_was_recorded_recently(client, recorded):
    recent = text_of(get(client, f"{TIMELINE}?days=7"))
    assert "new status" in recent and "new meeting: proposed" in recent and "new words" in recent
    assert "old status" not in recent and "old meeting" not in recent and "old words" not in recent
    assert "3 events" in recent

    everything = text_of(get(client, f"{TIMELINE}?days=90"))
    assert "old status" in everything and "old meeting: proposed" in everything
    assert "old words" in everything and "6 events" in everything


def test_days_combines_with_kind(client, recorded):
    html = get(client, f"{TIMELINE}?days=7&kind=statement")
    assert [title for title, _ in entries(html)] == [
        f"{recorded['new'][2].speaker.name}: “new words”"
    ]


def test_quick_links_for_recent_days(client, db):
    html = get(client, TIMELINE)
    assert '<a href="?days=7">Recorded in the last 7 days</a>' in html
    assert '<a href="?days=30">last 30 days</a>' in html


# --- Pagination and htmx -------------------------------------------------------------------------


@pytest.fixture
def thirty_changes(db):
    channel = ChannelFactory(slug="busy")
    for i in range(30):
        day = date(2025, 1, 1) + timedelta(days=i)
        StatusChangeFactory(
            channel=channel,
            status="open",
            explanation=f"Change {i:02d}",
            date_earliest=day,
            date_latest=day,
        )
    TransitionFactory(engagement=EngagementFactory(channel=channel))
    return channel


def explanations(html: str) -> list[str]:
    return re.findall(r'<p class="muted">(Change \d\d)</p>', html)


def test_timeline_pages_hold_25_and_links_keep_the_filters(client, thirty_changes):
    first = get(client, f"{TIMELINE}?channel=busy&kind=status")
    assert count_text(first) == "30 events"
    assert explanations(first) == [f"Change {i:02d}" for i in range(29, 4, -1)]
    assert "Page 1 of 2" in text_of(first)
    link = html_lib.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    assert link == "?channel=busy&kind=status&page=2"

    second = get(client, f"{TIMELINE}{link}")
    assert explanations(second) == [f"Change {i:02d}" for i in range(4, -1, -1)]
    assert "Page 2 of 2" in text_of(second)
    back = html_lib.unescape(re.search(r'<a href="([^"]+)" rel="prev">', second).group(1))
    assert back == "?channel=busy&kind=status&page=1"


def test_timeline_pages_merge_the_kinds_in_date_order(client, thirty_changes):
    # 30 changes (1–30 January) and one step (1 September): the step comes first.
    first = entries(get(client, f"{TIMELINE}?channel=busy"))
    assert len(first) == 25
    assert first[0][0].endswith(": proposed") and first[0][1] == "1 September 2025"
    second = entries(get(client, f"{TIMELINE}?channel=busy&page=2"))
    assert len(second) == 6
    assert second[-1] == (f"{thirty_changes}: Open", "1 January 2025")


def test_htmx_request_gets_only_the_results(client, seeded):
    fragment = get(client, f"{TIMELINE}?kind=status", headers={"HX-Request": "true"})
    assert fragment.lstrip().startswith('<div id="results"')
    assert "<html" not in fragment and 'class="filters"' not in fragment
    assert [title for title, _ in entries(fragment)] == [STALLED, OPEN]


def test_timeline_page_and_fragment_are_cached_apart(client, db):
    for headers in ({}, {"HX-Request": "true"}):
        vary = client.get(TIMELINE, headers=headers)["Vary"]
        assert "HX-Request" in [value.strip() for value in vary.split(",")]


def stream_queries(client, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in context.captured_queries if "events_statuschange" in q["sql"]]


def test_the_results_are_cached_until_the_data_changes(client, thirty_changes):
    url = f"{TIMELINE}?channel=busy&kind=status"
    assert stream_queries(client, url)  # read from the records
    assert stream_queries(client, url) == []  # the same filters again: from the cache

    StatusChangeFactory(
        channel=thirty_changes,
        explanation="Change 30",
        date_earliest=date(2025, 2, 1),
        date_latest=date(2025, 2, 1),
    )
    assert stream_queries(client, url)
    first = get(client, url)
    assert explanations(first)[0] == "Change 30" and count_text(first) == "31 events"


def test_recent_days_are_read_afresh_every_time(client, recorded):
    # "Recorded in the last 7 days" moves with the clock, not only with the data.
    url = f"{TIMELINE}?days=7"
    assert stream_queries(client, url)
    assert stream_queries(client, url)


def test_cached_results_link_with_the_timelines_own_parameters_only(client, thirty_changes):
    get(client, f"{TIMELINE}?channel=busy&kind=status")
    html = get(client, f"{TIMELINE}?channel=busy&kind=status&utm_source=mail")
    link = html_lib.unescape(re.search(r'<a href="([^"]+)" rel="next">', html).group(1))
    assert link == "?channel=busy&kind=status&page=2"


def test_timeline_form_is_a_plain_get_form(client, db):
    html = get(client, TIMELINE)
    assert re.search(r'<form class="filters" method="get" action="/timeline/"', html)
    assert '<button type="submit">Apply</button>' in html
    for name in ("channel", "party", "track", "kind", "during", "days"):
        assert f'name="{name}"' in html


def test_each_date_is_machine_readable_as_the_day_month_or_year_that_holds_it(client, seeded):
    """A fuzzy date reads as people write it; its <time datetime> is the period HTML can name
    that holds all of it ("3–16 September 2025" within 2025-09)."""
    html = get(client, TIMELINE)
    times = re.findall(r'<time datetime="([^"]*)">([^<]*)</time>', html)
    assert ("2025-09", "3–16 September 2025") in times
    assert all(re.fullmatch(r"\d{4}(-\d\d){0,2}", machine) for machine, _ in times), times
    assert "<time>" not in html
