"""Charts: the channel time strip and the board sparklines (events.charts and their templates).

Geometry is checked on unsaved model instances (no database needed); the templates are parsed
as XML so a broken SVG fails here, not in a browser; the database parts check the counts and
that the number of queries does not grow with the number of channels.
"""

import itertools
import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from events import selectors
from events.charts import (
    activity_by_channel,
    attach_sparklines,
    channel_time_strip,
    sparkline,
    sparkline_html,
    time_strip,
)
from events.fuzzydates import FuzzyDate
from events.models import Channel, Engagement, Statement, StatusChange
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    StatementFactory,
    StatusChangeFactory,
    TransitionFactory,
)

SVG = "{http://www.w3.org/2000/svg}"


# --- Helpers ---------------------------------------------------------------------------------


def fuzzy_columns(prefix: str, earliest: date | None, latest: date | None = None) -> dict:
    """The three columns of a fuzzy date, with the precision FuzzyDate.between() gives."""
    if earliest is None:
        return {f"{prefix}_earliest": None, f"{prefix}_latest": None, f"{prefix}_precision": ""}
    value = FuzzyDate.between(earliest, latest or earliest)
    return {
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
        f"{prefix}_precision": value.precision.value,
    }


def change(status: str, earliest: date, latest: date | None = None, pk: int = 0) -> StatusChange:
    return StatusChange(
        pk=pk or None, status=status, explanation="x", **fuzzy_columns("date", earliest, latest)
    )


def engagement(
    title: str, earliest: date | None, latest: date | None = None, state: str = "held"
) -> Engagement:
    return Engagement(
        title=title, kind="meeting", state=state, **fuzzy_columns("when", earliest, latest)
    )


def statement(text: str, earliest: date | None, latest: date | None = None) -> Statement:
    return Statement(text=text, stance="neutral", **fuzzy_columns("said", earliest, latest))


def parse(html: str) -> ET.Element:
    """The rendered snippet as XML: it must be well-formed to parse at all."""
    return ET.fromstring(f"<root>{html}</root>")


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def find_all(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if local(e) == name]


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def x_of(strip: dict, day: date) -> float:
    """Where the strip draws the left edge of `day`, from its window and width."""
    left, right = strip["lanes"]["left"], strip["lanes"]["right"]
    per_day = (right - left) / ((strip["end"] - strip["start"]).days + 1)
    return left + (day - strip["start"]).days * per_day


# A channel's story: open in March, stalled from a fuzzy date in June, frozen in September.
CHANGES = [
    change("frozen", date(2025, 9, 15), pk=3),
    change("stalled", date(2025, 6, 1), date(2025, 6, 10), pk=2),  # early June 2025
    change("open", date(2025, 3, 5), pk=1),
]  # newest first, as the prefetch gives them
ENGAGEMENTS = [
    engagement("Defence call", date(2025, 4, 2)),
    engagement("Proposed visit", date(2025, 9, 1), date(2025, 9, 10), state="proposed"),
    engagement("Talks, date unknown", None),
]
STATEMENTS = [
    statement("We seek dialogue.", date(2025, 5, 31)),
    statement("Sometime in July.", date(2025, 7, 1), date(2025, 7, 31)),
]


@pytest.fixture
def strip() -> dict:
    return time_strip(status_changes=CHANGES, engagements=ENGAGEMENTS, statements=STATEMENTS)


# --- Time strip: window ----------------------------------------------------------------------


def test_default_window_covers_every_date_with_a_margin_in_whole_months(strip):
    # Dates run 5 March to 15 September 2025; a margin of two weeks reaches into February
    # and the end of September, and the window takes whole months.
    assert strip["start"] == date(2025, 2, 1)
    assert strip["end"] == date(2025, 9, 30)
    assert strip["window_label"] == "February – September 2025"


def test_default_window_is_at_least_six_months():
    only = time_strip(
        status_changes=[change("open", date(2025, 7, 15))], engagements=[], statements=[]
    )
    assert (only["start"], only["end"]) == (date(2025, 5, 1), date(2025, 10, 31))


def test_window_without_any_dates_ends_with_the_reference_month():
    empty = time_strip(status_changes=[], engagements=[], statements=[], today=date(2025, 9, 17))
    assert (empty["start"], empty["end"]) == (date(2025, 4, 1), date(2025, 9, 30))
    assert empty["bars"] == [] and empty["markers"] == []
    assert empty["unknown"]["label"] == "No status recorded"
    assert empty["summary"].startswith("No status recorded.")


def test_explicit_window_clips_bars_and_leaves_out_markers_beyond_it():
    clipped = time_strip(
        status_changes=CHANGES,
        engagements=ENGAGEMENTS,
        statements=STATEMENTS,
        start=date(2025, 5, 1),
        end=date(2025, 8, 31),
    )
    bars = clipped["bars"]
    assert [b["status"] for b in bars] == ["open", "stalled"]  # frozen starts after the end
    assert bars[0]["x"] == clipped["lanes"]["left"] and bars[0]["clipped"]
    assert bars[-1]["end_x"] == clipped["lanes"]["right"]
    drawn = {m["label"] for m in clipped["markers"]}
    assert drawn == {"“We seek dialogue.”", "“Sometime in July.”"}
    outside = {e["label"] for e in clipped["events"] if e["outside"]}
    assert outside == {"Defence call", "Proposed visit"}


def test_window_must_run_forwards():
    with pytest.raises(ValueError, match="needs start < end"):
        time_strip(
            status_changes=[],
            engagements=[],
            statements=[],
            start=date(2025, 9, 1),
            end=date(2025, 8, 1),
        )


# --- Time strip: status bars -----------------------------------------------------------------


def test_bars_are_in_date_order_contiguous_and_labelled(strip):
    bars = strip["bars"]
    assert [b["status"] for b in bars] == ["open", "stalled", "frozen"]
    assert [b["label"] for b in bars] == ["Open", "Stalled", "Frozen"]
    for before, after in itertools.pairwise(bars):
        assert before["x"] + before["width"] == pytest.approx(after["x"], abs=0.02)
    assert bars[-1]["x"] + bars[-1]["width"] == pytest.approx(strip["lanes"]["right"], abs=0.02)
    assert all(b["show_label"] for b in bars)  # each is wide enough for its name


def test_each_bar_starts_at_its_change_and_runs_to_the_next(strip):
    open_, stalled, frozen = strip["bars"]
    assert open_["x"] == pytest.approx(x_of(strip, date(2025, 3, 5)), abs=0.01)
    assert stalled["x"] == pytest.approx(x_of(strip, date(2025, 6, 1)), abs=0.01)
    assert frozen["x"] == pytest.approx(x_of(strip, date(2025, 9, 15)), abs=0.01)
    # Before the first change there is no status: the strip says so instead of guessing.
    assert strip["unknown"]["width"] == pytest.approx(open_["x"] - strip["lanes"]["left"])


def test_bar_titles_give_the_period_in_words_with_human_dates(strip):
    assert [b["title"] for b in strip["bars"]] == [
        "Open from 5 March 2025 until early June 2025",
        "Stalled from early June 2025 until 15 September 2025",
        "Frozen from 15 September 2025 (current)",
    ]


def test_a_fuzzy_status_change_marks_its_uncertain_stretch(strip):
    open_, stalled, frozen = strip["bars"]
    assert open_["uncertain_width"] == 0 and frozen["uncertain_width"] == 0
    ten_days = x_of(strip, date(2025, 6, 11)) - x_of(strip, date(2025, 6, 1))
    assert stalled["uncertain_width"] == pytest.approx(ten_days, abs=0.02)


def test_status_changes_in_any_order_draw_the_same_bars(strip):
    shuffled = CHANGES[:]
    random.Random(4).shuffle(shuffled)
    again = time_strip(status_changes=shuffled, engagements=ENGAGEMENTS, statements=STATEMENTS)
    assert again["bars"] == strip["bars"]


def test_stalled_and_frozen_bars_are_hatched_for_grey_print(strip):
    patterns = {b["status"]: b["pattern"] for b in strip["bars"]}
    assert patterns == {"open": "", "stalled": "hatch", "frozen": "crosshatch"}


def test_a_status_replaced_on_its_own_day_is_listed_but_not_drawn():
    changes = [change("open", date(2025, 3, 1), pk=1), change("limited", date(2025, 3, 1), pk=2)]
    same_day = time_strip(status_changes=changes, engagements=[], statements=[])
    assert [b["status"] for b in same_day["bars"]] == ["limited"]
    assert [p["words"] for p in same_day["periods"]] == [
        "Open from 1 March 2025 until 1 March 2025",
        "Limited from 1 March 2025 (current)",
    ]


def test_narrow_bars_keep_their_label_for_the_tooltip_only():
    changes = [change("open", date(2025, 3, 1)), change("limited", date(2025, 3, 3))]
    narrow = time_strip(status_changes=changes, engagements=[], statements=[])
    first = narrow["bars"][0]
    assert not first["show_label"]
    assert first["title"] == "Open from 1 March 2025 until 3 March 2025"


# --- Time strip: markers ---------------------------------------------------------------------


def marker(strip: dict, label: str) -> dict:
    return next(m for m in strip["markers"] if m["label"] == label)


def test_a_fuzzy_date_is_drawn_as_a_span_between_its_bounds(strip):
    visit = marker(strip, "Proposed visit")  # early September 2025: 1–10 September
    assert visit["kind"] == "engagement" and visit["shape"] == "span"
    assert visit["x"] == pytest.approx(x_of(strip, date(2025, 9, 1)), abs=0.01)
    assert visit["x"] + visit["width"] == pytest.approx(x_of(strip, date(2025, 9, 11)), abs=0.02)
    assert visit["date_label"] == "early September 2025"
    assert visit["planned"]  # still expected: drawn hollow


def test_a_known_day_is_drawn_as_a_tick_within_that_day(strip):
    call = marker(strip, "Defence call")
    assert call["shape"] == "tick"
    assert x_of(strip, date(2025, 4, 2)) <= call["cx"] <= x_of(strip, date(2025, 4, 3))
    assert not call["planned"]


def test_statements_use_their_own_marker_shape(strip):
    said = marker(strip, "“Sometime in July.”")
    assert said["kind"] == "statement" and said["shape"] == "span"
    assert x_of(strip, date(2025, 7, 1)) <= said["cx"] <= x_of(strip, date(2025, 8, 1))
    assert said["path"].startswith("M") and said["path"].endswith("Z")  # a diamond
    assert "path" not in marker(strip, "Defence call")


def test_markers_sit_below_the_status_bars_engagements_above_statements(strip):
    status_bottom = strip["lanes"]["status_y"] + strip["lanes"]["status_height"]
    engagements = [m for m in strip["markers"] if m["kind"] == "engagement"]
    statements = [m for m in strip["markers"] if m["kind"] == "statement"]
    assert min(m["y"] for m in engagements) > status_bottom
    assert max(m["cy"] for m in engagements) < min(m["cy"] for m in statements)
    assert max(m["cy"] for m in statements) < strip["lanes"]["axis_y"]


def test_an_undated_engagement_is_listed_as_date_unknown_but_not_drawn(strip):
    assert "Talks, date unknown" not in {m["label"] for m in strip["markers"]}
    undated = next(e for e in strip["events"] if e["label"] == "Talks, date unknown")
    assert undated["date_label"] == "date unknown" and undated["number"] is None
    assert "Not drawn: 1 record without a known date." in strip["summary"]


def test_events_are_numbered_in_date_order_and_markers_carry_the_numbers(strip):
    listed = [(e["number"], e["label"]) for e in strip["events"]]
    assert listed == [
        (1, "Defence call"),
        (2, "“We seek dialogue.”"),
        (3, "“Sometime in July.”"),
        (4, "Proposed visit"),
        (None, "Talks, date unknown"),
    ]
    assert marker(strip, "Proposed visit")["number"] == "4"


def test_overlapping_markers_are_stacked_in_separate_lanes():
    same_day = [statement(f"Line {n}.", date(2025, 5, 31)) for n in range(3)]
    stacked = time_strip(status_changes=[], engagements=[], statements=same_day)
    assert sorted(m["lane"] for m in stacked["markers"]) == [0, 1, 2]
    assert len({m["cy"] for m in stacked["markers"]}) == 3


def test_ticks_are_months_labelled_with_the_year_at_the_start_and_in_january():
    long = time_strip(
        status_changes=[],
        engagements=[],
        statements=[],
        start=date(2024, 10, 1),
        end=date(2025, 3, 31),
    )
    assert [t["label"] for t in long["ticks"]] == [
        "Oct 2024",
        "Nov",
        "Dec",
        "Jan 2025",
        "Feb",
        "Mar",
    ]
    xs = [t["x"] for t in long["ticks"]]
    assert xs == sorted(xs) and xs[0] == long["lanes"]["left"]
    assert [t["major"] for t in long["ticks"]] == [False, False, False, True, False, False]


def test_a_long_window_thins_its_ticks():
    decade = time_strip(
        status_changes=[],
        engagements=[],
        statements=[],
        start=date(2016, 1, 1),
        end=date(2025, 12, 31),
    )
    assert [t["label"] for t in decade["ticks"]] == [str(y) for y in range(2016, 2026)]


# --- Time strip: template --------------------------------------------------------------------


def test_template_renders_valid_svg_with_title_desc_and_text_alternative(strip):
    root = parse(render_to_string("events/_time_strip.html", {"strip": strip}))
    svg = next(e for e in root.iter() if local(e) == "svg" and e.get("role") == "img")
    assert svg.get("viewBox") == strip["view_box"]
    assert svg.get("width") == "100%"
    title_id, desc_id = svg.get("aria-labelledby").split()
    titles = {e.get("id"): text_of(e) for e in find_all(svg, "title") if e.get("id")}
    descs = {e.get("id"): text_of(e) for e in find_all(svg, "desc")}
    assert titles[title_id] == "Status and events, February – September 2025"
    assert "Stalled from early June 2025 until 15 September 2025" in descs[desc_id]

    # One group per status bar, each with its tooltip; names inside the bars.
    bar_titles = [
        text_of(next(c for c in g if local(c) == "title"))
        for g in find_all(svg, "g")
        if "ts-bar--" in (g.get("class") or "") and "ts-bar--none" not in g.get("class")
    ]
    assert bar_titles == [b["title"] for b in strip["bars"]]
    labels = [text_of(t) for t in find_all(svg, "text") if "ts-bar__label" in t.get("class")]
    assert {"Open", "Stalled", "Frozen"} <= set(labels)
    # Hatch patterns are defined and used.
    pattern_ids = {p.get("id") for p in find_all(svg, "pattern")}
    assert {"time-strip-hatch", "time-strip-crosshatch"} <= pattern_ids
    fills = {r.get("fill") for r in find_all(svg, "rect")}
    assert "url(#time-strip-hatch)" in fills and "url(#time-strip-crosshatch)" in fills

    details = next(e for e in root.iter() if e.tag == "details")
    words = text_of(details)
    assert "Open from 5 March 2025 until early June 2025" in words
    assert "Frozen from 15 September 2025 (current)" in words
    assert "Proposed visit — early September 2025" in words
    assert "Talks, date unknown — date unknown" in words
    assert "“Sometime in July.” — July 2025" in words


def test_template_numbers_stay_unlocalised_under_a_decimal_comma_locale(strip):
    with translation.override("de"), override_settings(USE_THOUSAND_SEPARATOR=True):
        html = render_to_string("events/_time_strip.html", {"strip": strip})
    root = parse(html)
    for element in root.iter():
        for name in ("x", "y", "width", "x1", "x2", "cx"):
            value = element.get(name)
            if value and value != "100%":
                float(value)  # "12,5" would fail here


def test_several_strips_on_a_page_have_distinct_ids(strip):
    other = time_strip(status_changes=CHANGES, engagements=[], statements=[], dom_id="other")
    html = render_to_string("events/_time_strip.html", {"strip": strip}) + render_to_string(
        "events/_time_strip.html", {"strip": other}
    )
    ids = [e.get("id") for e in parse(html).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_strip_of_a_prefetched_channel_runs_no_queries(django_assert_num_queries):
    channel = ChannelFactory()
    for status, day in (("open", date(2025, 3, 1)), ("stalled", date(2025, 6, 1))):
        StatusChangeFactory(channel=channel, status=status, **fuzzy_columns("date", day))
    EngagementFactory(channel=channel)
    EngagementFactory(channel=channel, **fuzzy_columns("when", None))
    said = StatementFactory(**fuzzy_columns("said", date(2025, 5, 31)))
    said.channels.add(channel)
    loaded = selectors.channel_status_board(Channel.objects.all()).get(pk=channel.pk)

    with django_assert_num_queries(0):
        strip = channel_time_strip(loaded)
        html = render_to_string("events/_time_strip.html", {"strip": strip})

    assert strip["id"] == f"time-strip-{channel.pk}"
    assert [b["status"] for b in strip["bars"]] == ["open", "stalled"]
    words = text_of(next(e for e in parse(html).iter() if e.tag == "details"))
    assert f"{said.speaker.name}: “{said.text}” — 31 May 2025" in words
    assert "date unknown" in words


def test_seed_military_strip_tells_the_stalled_channel_and_the_proposed_call(seeded):
    channel = selectors.channel_status_board(Channel.objects.all()).get(slug="us-china-military")
    html = render_to_string("events/_time_strip.html", {"strip": channel_time_strip(channel)})
    root = parse(html)
    words = text_of(next(e for e in root.iter() if e.tag == "details"))
    assert "Stalled from 3–16 September 2025 (current)" in words
    assert (
        "Proposed call between the Pentagon and China's military leadership "
        "— early September 2025" in words
    )
    assert "Beijing Xiangshan Forum — US participation — 17–19 September 2025" in words
    assert "The threat China poses is real and it could be imminent." in words
    bars = [t for t in root.iter() if local(t) == "text" and text_of(t) == "Stalled"]
    assert bars, "the stalled bar is labelled inside the strip"


# --- Activity per month ----------------------------------------------------------------------

END = date(2025, 9, 17)  # window: October 2024 to September 2025, counted up to 17 September


@pytest.mark.django_db
def test_activity_by_channel_counts_each_record_type_per_month():
    busy, quiet, other = ChannelFactory(), ChannelFactory(), ChannelFactory()
    days = {
        "first day of window": date(2024, 10, 1),
        "day before window": date(2024, 9, 30),
        "september": date(2025, 9, 2),
        "end": END,
        "after end": END + timedelta(days=1),
        "july": date(2025, 7, 11),
    }
    StatusChangeFactory(channel=busy, **fuzzy_columns("date", days["first day of window"]))
    StatusChangeFactory(channel=busy, **fuzzy_columns("date", days["day before window"]))
    # Counted by the earliest bound: early September 2025 is September.
    StatusChangeFactory(channel=busy, **fuzzy_columns("date", date(2025, 9, 1), date(2025, 9, 10)))
    call = EngagementFactory(channel=busy)
    TransitionFactory(engagement=call, **fuzzy_columns("date", days["september"]))
    TransitionFactory(
        engagement=call,
        from_state="proposed",
        to_state="held",
        **fuzzy_columns("date", days["after end"]),
    )
    TransitionFactory(engagement=EngagementFactory(channel=other), **fuzzy_columns("date", END))
    both = StatementFactory(**fuzzy_columns("said", days["end"]))
    both.channels.add(busy, quiet)
    StatementFactory(**fuzzy_columns("said", days["july"])).channels.add(busy)
    StatementFactory(**fuzzy_columns("said", None)).channels.add(busy)  # no date: not counted

    counts = activity_by_channel([busy.pk, quiet.pk, other.pk], end=END)

    assert counts[busy.pk] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3]
    assert counts[quiet.pk] == [0] * 11 + [1]
    assert counts[other.pk] == [0] * 11 + [1]


@pytest.mark.django_db
def test_activity_by_channel_gives_zeros_for_a_channel_without_records():
    empty = ChannelFactory()
    assert activity_by_channel([empty.pk], end=END, months=6) == {empty.pk: [0] * 6}


@pytest.mark.django_db
def test_activity_by_channel_asks_nothing_for_no_channels(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert activity_by_channel([], end=END) == {}


def populate(channels: int) -> list[int]:
    ids = []
    for n in range(channels):
        channel = ChannelFactory()
        day = date(2025, 1 + n % 8, 1 + n % 28)  # all inside the window
        StatusChangeFactory(channel=channel, **fuzzy_columns("date", day))
        TransitionFactory(
            engagement=EngagementFactory(channel=channel), **fuzzy_columns("date", day)
        )
        StatementFactory(**fuzzy_columns("said", day)).channels.add(channel)
        ids.append(channel.pk)
    return ids


def count_queries(ids: list[int]) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        counts = activity_by_channel(ids, end=END)
    return len(captured), counts


@pytest.mark.django_db
def test_activity_by_channel_runs_the_same_queries_for_2_and_20_channels():
    few, few_counts = count_queries(populate(2))
    many, many_counts = count_queries(populate(20))
    assert few == many == 1  # one aggregate over the daily activity
    assert all(sum(c) == 3 for c in many_counts.values())
    assert len(many_counts) == 20 and len(few_counts) == 2


# --- Sparkline -------------------------------------------------------------------------------


def test_sparkline_label_names_the_total_and_the_busiest_month():
    spark = sparkline([0] * 10 + [2, 1], end=date(2025, 10, 5))
    assert spark["label"] == "Activity, last 12 months: 3 events, busiest September 2025 (2)"
    assert spark["caption"] == "3 events in the last 12 months"
    columns = spark["columns"]
    assert [c["label"] for c in columns[:1] + columns[-1:]] == ["November 2024", "October 2025"]
    busiest, last = columns[-2], columns[-1]
    assert busiest["height"] == pytest.approx(spark["baseline_y"] - 2)  # the full height
    assert last["height"] == pytest.approx(busiest["height"] / 2)
    assert all(c["height"] == 0 for c in columns[:-2])
    assert all(c["y"] + c["height"] == spark["baseline_y"] for c in columns)
    xs = [c["x"] for c in columns]
    assert xs == sorted(xs) and xs[-1] + columns[-1]["width"] <= spark["width"]


def test_sparkline_ties_go_to_the_latest_month_and_one_event_is_singular():
    assert sparkline([1, 0, 1], end=date(2025, 3, 1))["label"] == (
        "Activity, last 3 months: 2 events, busiest March 2025 (1)"
    )
    assert "1 event," in sparkline([0, 0, 1], end=date(2025, 3, 1))["label"]


def test_sparkline_without_activity_is_a_flat_line():
    spark = sparkline([0] * 12, end=END)
    assert spark["empty"] and spark["busiest"] is None
    assert spark["label"] == "Activity, last 12 months: no recorded activity"
    root = parse(sparkline_html(spark))
    svg = next(e for e in root.iter() if local(e) == "svg")
    assert svg.get("aria-label") == spark["label"]
    assert find_all(svg, "rect") == []
    (baseline,) = find_all(svg, "line")
    assert baseline.get("y1") == baseline.get("y2") == str(spark["baseline_y"])


def test_sparkline_html_is_valid_svg_with_its_words():
    spark = sparkline([0] * 10 + [2, 1], end=date(2025, 10, 5))
    root = parse(sparkline_html(spark))
    svg = next(e for e in root.iter() if local(e) == "svg")
    assert svg.get("role") == "img"
    assert svg.get("viewBox") == "0 0 120 24"
    assert text_of(next(c for c in svg if local(c) == "title")) == spark["label"]
    tooltips = [text_of(t) for r in find_all(svg, "rect") for t in r if local(t) == "title"]
    assert tooltips == ["September 2025: 2 events", "October 2025: 1 event"]
    busiest = [r for r in find_all(svg, "rect") if "sparkline__bar--busiest" in r.get("class")]
    assert len(busiest) == 1


def test_sparkline_needs_counts():
    with pytest.raises(ValueError, match="needs at least one month"):
        sparkline([], end=END)


@pytest.mark.django_db
def test_attach_sparklines_puts_one_on_each_board_card():
    ids = populate(3)
    channels = selectors.board_cards(Channel.objects.all())
    with CaptureQueriesContext(connection) as captured:
        attach_sparklines(channels, end=END)
    assert len(captured) == 1
    assert {c.pk for c in channels} == set(ids)
    for channel in channels:
        assert channel.activity["total"] == 3
        assert channel.activity["label"].startswith("Activity, last 12 months: 3 events")
