"""A channel page leads with the answer — status and why, since when, last contact, next
expected, open obstacles, latest changes — folds the sections with nothing recorded into one
line, and cites its facts as numbered footnotes: each source listed once at the end, numbered in
the order it first appears, every reference linking to the right one. Lists show a compact,
expandable source count per row; the actor page uses the same footnotes."""

import re
from datetime import date

import pytest
from django.urls import reverse

from events.fuzzydates import FuzzyDate
from events.models import Citation, Source, Statement, StatusChange
from events.selectors import how_long_ago
from tests.pages import cited_by, refs_in, source_line, source_notes, text_of
from tests.test_seed_board import REPORT

pytestmark = pytest.mark.django_db

DEFENSE = "US Department of Defense"  # the official transcript of Hegseth's remarks


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def channel(client, slug: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return page(
        client, reverse("events:channel_detail", args=[slug]) + (f"?{query}" if query else "")
    )


def element(html: str, element_id: str) -> str:
    """The element with id `element_id` (an <article>, <tr> or <li>), up to its closing tag."""
    match = re.search(rf'<(article|tr|li)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return match.group(2)


def summary(html: str) -> str:
    match = re.search(r'<section class="channel-summary".*?</section>', html, re.S)
    assert match, "no summary block"
    return match.group(0)


@pytest.fixture
def military(client, seeded) -> str:
    return channel(client, "us-china-military")


# --- Footnotes ----------------------------------------------------------------------------------


def test_channel_page_lists_each_source_once_numbered_in_order_of_first_reference(military):
    notes = source_notes(military)
    lines = [source_line(body) for body in notes.values()]
    # The report and the official transcript, each once, however many facts cite them.
    assert len(lines) == 2
    assert [line.split(",")[0] for line in lines] == [f"1. {REPORT}", f"2. {DEFENSE}"]
    refs = refs_in(military.split('<section class="page-sources"')[0])
    assert refs.count(1) > 15 and refs.count(2) == 2
    first_seen = list(dict.fromkeys(refs))
    assert first_seen == sorted(notes)  # [1] appears before [2], and every source is referenced


def test_each_fact_reference_links_to_the_source_that_supports_it(military):
    # The status's explanation rests on the report.
    status = StatusChange.objects.get(channel__slug="us-china-military")
    assert [line.split(",")[0] for line in cited_by(summary(military), military)] == [
        f"1. {REPORT}"
    ]
    assert cited_by(element(military, f"status-change-{status.pk}"), military)[0].startswith(
        f"1. {REPORT}"
    )
    # Each Hegseth quote rests on the report and (date and venue) on the official transcript.
    for statement in Statement.objects.filter(speaker__name="Pete Hegseth"):
        quote = element(military, f"statement-{statement.pk}").split('<div class="reading">')[0]
        assert [line.split(",")[0] for line in cited_by(quote, military)] == [
            f"1. {REPORT}",
            f"2. {DEFENSE}",
        ]


def test_every_cited_passage_is_listed_under_its_source_with_a_link_back_to_its_fact(military):
    notes = source_notes(military)
    ids = set(re.findall(r'id="(ref-\d+-\d+)"', military))
    for number, body in notes.items():
        backs = re.findall(r'class="source-note__fact" href="#(ref-(\d+)-\d+)"', body)
        assert backs, f"source {number} lists no passage"
        for ref_id, of in backs:
            assert int(of) == number and ref_id in ids
    # Every passage behind the transcript, with the fact it supports.
    transcript = text_of(notes[2])
    assert transcript.count("(date and venue)") == 2
    assert "Statement: Hegseth: “We will not instigate" in transcript
    assert "Hegseth's address to the Shangri-La Dialogue in Singapore" in transcript


def test_source_lines_name_outlet_title_kind_date_and_relays_without_not_recorded_noise(military):
    report = source_line(source_notes(military)[1])
    assert report == (
        f"1. {REPORT}, Pentagon proposes military call with China; Beijing has yet to accept "
        "· Secondary report · 3–16 September 2025 · relaying Nikkei Asia, citing US officials; "
        "State Department readouts"
    )
    assert "no link recorded" not in military
    # What a passage relays is said beside the passage, once.
    assert "paras. 2–3, relaying Nikkei Asia — another outlet's report" in text_of(military)


def test_a_source_with_a_web_address_is_linked_once_and_others_are_not(client, seeded):
    Source.objects.filter(outlet=DEFENSE).update(url="https://www.defense.gov/remarks")
    Source.objects.filter(outlet=REPORT).update(url="javascript:alert(1)")
    html = channel(client, "us-china-military")
    assert html.count('href="https://www.defense.gov/remarks"') == 1
    assert "javascript:" not in html


def test_as_of_a_day_a_source_published_later_is_marked_once(client, seeded):
    # On 1 September the quotes of May are known; the report that relays them came out later.
    html = channel(client, "us-china-military", as_of="2025-09-01")
    lines = [source_line(note) for note in source_notes(html).values()]
    later = {line.split(", ")[0].split(". ", 1)[1]: "reported after" in line for line in lines}
    assert later == {REPORT: True, DEFENSE: False}
    assert text_of(html).count("reported after") == 1
    assert "3–16 September 2025 (reported after 1 September 2025)" in text_of(html)


# --- The summary block ---------------------------------------------------------------------------


def test_summary_answers_status_since_last_contact_next_expected_and_obstacles(military):
    block = text_of(summary(military))
    assert "Stalled since 3–16 September 2025" in block
    assert "Unchanged" in block and "Medium confidence" in block
    assert "The US has proposed a call with China's military leadership" in block
    assert "Last contact None recorded" in block
    assert (
        "Next expected Proposed call between the Pentagon and China's military leadership — "
        "early September 2025 Proposed Overdue since 10 September 2025" in block
    )
    assert "Open obstacles Hegseth's remarks on China (remark, since 3–16 September 2025)" in block
    assert "Who is Hegseth's counterpart (counterpart dispute" in block
    assert "Latest changes Status: stalled — 3–16 September 2025" in block


def test_summary_links_to_the_items_it_names(military):
    block = summary(military)
    for anchor in re.findall(r'href="#([a-z-]+-\d+)"', block):
        assert f'id="{anchor}"' in military, anchor


def test_summary_says_how_long_ago_the_status_began(client, seeded):
    html = channel(client, "us-china-military", as_of="2025-12-01")
    assert "since 3–16 September 2025 (2–3 months ago)" in text_of(summary(html))


def test_diplomatic_summary_shows_the_last_contact_with_its_age(client, seeded):
    html = channel(client, "us-china-diplomatic", as_of="2025-09-20")
    block = text_of(summary(html))
    assert (
        "Last contact Rubio meets China's Foreign Minister in Malaysia, Kuala Lumpur, Malaysia — "
        "11 July 2025 (2 months ago)" in block
    )


def test_as_of_control_sits_beside_the_title_not_above_it(military):
    title_row = re.search(r'<div class="channel-title">(.*?)</div>\s*\n', military, re.S).group(1)
    assert "<h1>US – China" in title_row and '<form class="as-of"' in title_row
    assert military.index("<h1>") < military.index('<form class="as-of"')


def test_breadcrumb_names_the_parties_and_the_track(client, seeded):
    for slug, track in (
        ("us-china-military", "Military-to-military"),
        ("us-china-leaders", "Leaders (summit)"),
    ):
        crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', channel(client, slug), re.S)
        assert text_of(crumbs.group(0)) == f"Channels › US–China › {track}"


# --- Empty sections fold into one line ------------------------------------------------------------


def test_sections_with_nothing_recorded_fold_into_one_line(client, seeded):
    html = channel(client, "us-china-leaders")
    assert text_of(re.search(r'<p class="not-recorded">.*?</p>', html, re.S).group(0)) == (
        "Not recorded: sticking points, counterpart claims, statements, past engagements, "
        "status changes."
    )
    for heading in ("sticking-points", "counterparts", "statements", "past", "history"):
        assert f'<h2 id="{heading}"' not in html
        assert f'<span id="{heading}">' in html  # links to the section still land on the line
    assert '<h2 id="upcoming"' in html
    for old in ("No statements recorded", "No counterpart claims recorded", "No open sticking"):
        assert old not in html


def test_a_channel_with_everything_recorded_folds_nothing_but_what_is_empty(military):
    line = text_of(re.search(r'<p class="not-recorded">.*?</p>', military, re.S).group(0))
    assert line == "Not recorded: past engagements."


def test_editor_can_add_a_statement_where_the_empty_statements_section_folded(
    editor_client, seeded
):
    html = page(editor_client, reverse("events:channel_detail", args=["us-china-leaders"]))
    folded = html.split('<p class="not-recorded">')[1].split("</section>")[0]
    assert "Add a statement" in folded


# --- Lists: a source count per row -------------------------------------------------------------


def test_statement_list_rows_show_a_source_count_that_opens_to_the_sources(client, seeded):
    html = page(client, reverse("events:statement_list"))
    rows = re.findall(r'<article class="item statement">(.*?)</article>', html, re.S)
    assert rows
    hegseth = [row for row in rows if "Pete Hegseth" in row]
    for row in hegseth:
        details = re.search(r'<details class="source-count">(.*?)</details>\s*$', row, re.S)
        assert details, row
        assert "<summary>2 sources</summary>" in details.group(1)
        assert text_of(details.group(1)).count(REPORT) == 1
        assert DEFENSE in text_of(details.group(1))
    assert "no link recorded" not in html and "§" not in text_of(html)


def test_engagement_list_and_timeline_rows_show_their_source_count(client, seeded):
    engagements = page(client, reverse("events:engagement_list"))
    rubio = re.search(r"<tr>\s*<td>11 July 2025</td>.*?</tr>", engagements, re.S).group(0)
    sources = (
        Citation.objects.filter(
            engagement__title="Rubio meets China's Foreign Minister in Malaysia"
        )
        .values("source")
        .distinct()
    )
    assert f"<summary>{sources.count()} source" in rubio
    timeline = page(client, reverse("events:timeline"))
    entries = re.findall(
        r'<li class="timeline__entry.*?</li>\s*(?=<li class="timeline__entry|</ol>)', timeline, re.S
    )
    assert entries and all('<details class="source-count">' in entry for entry in entries)


# --- The actor page ----------------------------------------------------------------------------


def test_actor_page_cites_its_facts_as_footnotes(client, seeded):
    html = page(client, reverse("events:actor_detail", args=["pete-hegseth"]))
    notes = source_notes(html)
    assert len(notes) == len({source_line(n) for n in notes.values()})
    assert sorted(set(refs_in(html.split('<section class="page-sources"')[0]))) == list(notes)
    assert any(
        line.startswith(f"{n}. {DEFENSE}")
        for n, line in ((n, source_line(b)) for n, b in notes.items())
    )


# --- How long ago --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "day", "said"),
    [
        (FuzzyDate.day(date(2025, 9, 1)), date(2025, 9, 1), "today"),
        (FuzzyDate.day(date(2025, 9, 1)), date(2025, 9, 6), "5 days ago"),
        (FuzzyDate.day(date(2025, 9, 1)), date(2025, 9, 2), "1 day ago"),
        (FuzzyDate.day(date(2025, 7, 11)), date(2025, 9, 20), "2 months ago"),
        (
            FuzzyDate.between(date(2025, 9, 3), date(2025, 9, 16)),
            date(2025, 12, 1),
            "2–3 months ago",
        ),
        (
            FuzzyDate.between(date(2025, 9, 3), date(2025, 9, 16)),
            date(2025, 9, 10),
            "up to 7 days ago",
        ),
        (FuzzyDate.day(date(2020, 1, 1)), date(2025, 1, 2), "5 years ago"),
        (FuzzyDate.day(date(2025, 9, 10)), date(2025, 9, 6), "in 4 days"),
        (None, date(2025, 9, 6), ""),
    ],
)
def test_how_long_ago_reads_as_a_person_says_it(when, day, said):
    assert how_long_ago(when, day) == said


def test_the_sources_list_says_nothing_of_a_link_it_does_not_have(client, seeded):
    html = page(client, reverse("events:source_list"))
    unlinked = Source.objects.filter(url="").order_by("pk").first()
    assert unlinked is not None and unlinked.title in text_of(html)
    assert "no link recorded" not in html
    assert "not recorded)" not in text_of(html).replace("(outlet not recorded)", "")
