"""The analysts' lists — engagements, statements, actors, sources — as a user sees them: the
seed's records, each filter narrowing to exactly the right rows, search (same expectations on
SQLite and PostgreSQL), sorting, pagination, the count, htmx fragments, and bad input."""

import html as html_lib
import re
from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

PROPOSED_CALL = "Proposed call between the Pentagon and China's military leadership"
XIANGSHAN = "Beijing Xiangshan Forum — US participation"
RUBIO = "Rubio meets China's Foreign Minister in Malaysia"
SUMMIT = "Anticipated Trump–Xi summit"
SEED_ENGAGEMENTS = {PROPOSED_CALL, XIANGSHAN, RUBIO, SUMMIT}

NO_SUBJUGATION = "We will not instigate nor seek to subjugate or humiliate"
THREAT = "The threat China poses is real and it could be imminent."
SEED_STATEMENTS = {NO_SUBJUGATION, THREAT}

REPORT = "Online news report (outlet not recorded)"
SEED_SOURCES = {
    REPORT,
    "US Department of State",
    "US Department of Defense",
    "US Senate",
    "Xinhua: Dong Jun appointed minister of national defense",
    "Xinhua: Wang Yi appointed foreign minister",
}

CHINESE_PEOPLE = {"Dong Jun", "Wang Yi", "Xi Jinping", "Zhang Youxia"}


# --- Reading pages -------------------------------------------------------------------------------


def get(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    """The visible text, tags dropped, entities decoded, whitespace folded."""
    html = re.sub(r'<span aria-hidden="true">.*?</span>', "", html)
    html = re.sub(r"</?mark>", "", html)  # search highlights sit inside words' text
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([,.:;)])", r"\1", text)


def results(html: str) -> str:
    """The results region of a list page (the part htmx swaps)."""
    start = html.index('<div id="results"')
    end = html.index("</main>") if "</main>" in html else len(html)
    return html[start:end]


def count_text(html: str) -> str:
    match = re.search(r'<span class="count"[^>]*>(.*?)</span>', html, re.S)
    assert match, "no count on the page"
    return text_of(match.group(1))


def engagement_titles(html: str) -> list[str]:
    return [
        text_of(title) for title in re.findall(r'#engagement-\d+">(.*?)</a>', results(html), re.S)
    ]


def statement_texts(html: str) -> list[str]:
    quotes = re.findall(r'<blockquote class="statement__text">\s*<p>(.*?)</p>', results(html), re.S)
    texts = []
    for quote in quotes:
        text = text_of(quote).removesuffix("(paraphrase)").strip()
        texts.append(text.removeprefix("“").removesuffix("”"))
    return texts


def actor_names(html: str) -> list[str]:
    return [
        text_of(name)
        for name in re.findall(r'<td><a href="/actors/[^"]+/">(.*?)</a>', results(html), re.S)
    ]


def source_names(html: str) -> list[str]:
    """“Outlet” (or “Outlet: Title” for outlets with more than one source in the seed)."""
    names = []
    for outlet, title in re.findall(
        r"<td><strong>(.*?)</strong>: (?:<a [^>]*>)?(.*?)(?:</a>| <span|<br>|</td>)",
        results(html),
        re.S,
    ):
        outlet, title = text_of(outlet), text_of(title)
        names.append(f"{outlet}: {title}" if outlet == "Xinhua" else outlet)
    return names


def listed(client, url: str, read) -> set[str]:
    return set(read(get(client, url)))


ENGAGEMENTS = reverse("events:engagement_list")
STATEMENTS = reverse("events:statement_list")
ACTORS = reverse("events:actor_list")
SOURCES = reverse("events:source_list")


# --- Each list shows the seed --------------------------------------------------------------------


def test_engagement_list_shows_every_seeded_engagement_with_channel_state_and_people(
    client, seeded
):
    html = get(client, ENGAGEMENTS)
    assert set(engagement_titles(html)) == SEED_ENGAGEMENTS
    assert count_text(html) == "4 engagements"
    page = text_of(results(html))
    assert "early September 2025" in page and "17–19 September 2025" in page
    assert "Zhang Youxia (China, sought by the other side)" in page
    assert "Alvaro Smith (US, considering / tentative)" in page
    assert "Kuala Lumpur, Malaysia" in page
    assert "lies before the report that forecast it" in page  # the summit's flagged date


def test_statement_list_shows_both_quotes_with_speaker_stance_and_readings(client, seeded):
    html = get(client, STATEMENTS)
    assert set(statement_texts(html)) == SEED_STATEMENTS
    assert count_text(html) == "2 statements"
    page = text_of(results(html))
    assert "Pete Hegseth, Shangri-La Dialogue, Singapore, 31 May 2025" in page
    assert "Conciliatory toward China" in page and "Hostile toward China" in page
    assert "What China takes as the real message" in page
    assert REPORT in page


def test_actor_list_shows_every_actor(client, seeded):
    html = get(client, ACTORS)
    names = actor_names(html)
    assert len(names) == 20
    assert {"Pete Hegseth", "Zhang Youxia", "United States", "Central Military Commission"} <= set(
        names
    )
    assert names == sorted(names)  # by name
    assert count_text(html) == "20 actors"


def test_source_list_shows_every_source_with_its_kind_and_citation_count(client, seeded):
    html = get(client, SOURCES)
    assert set(source_names(html)) == SEED_SOURCES
    assert count_text(html) == "6 sources"
    page = text_of(results(html))
    assert "Relays: Nikkei Asia, citing US officials" in page
    assert "Official readout" in page and "Secondary report" in page


# --- Filters narrow to exactly the right rows ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=us-china-military", {PROPOSED_CALL, XIANGSHAN}),
        ("channel=us-china-diplomatic", {RUBIO}),
        ("track=diplomatic", {RUBIO}),
        ("track=leaders", {SUMMIT}),
        ("track=economic", set()),
        ("kind=forum", {XIANGSHAN}),
        ("kind=phone_call", {PROPOSED_CALL}),
        ("state=proposed", {PROPOSED_CALL, SUMMIT}),
        ("state=scheduled", {XIANGSHAN}),
        ("state=held", {RUBIO}),
        ("participant=zhang-youxia", {PROPOSED_CALL}),
        ("participant=wang-yi", {RUBIO}),
        ("participant=us-embassy-beijing-defense-attaches", {XIANGSHAN}),
        ("participant=dong-jun", set()),
        ("party=china", SEED_ENGAGEMENTS),
        ("channel=us-china-military&state=proposed", {PROPOSED_CALL}),
        ("channel=us-china-military&kind=forum&participant=alvaro-smith", {XIANGSHAN}),
    ],
)
def test_engagement_filters(client, seeded, query, expected):
    assert listed(client, f"{ENGAGEMENTS}?{query}", engagement_titles) == expected


@pytest.mark.parametrize(
    ("during", "expected"),
    [
        # Fuzzy-aware: a period finds every engagement whose date could fall in it.
        ("September 2025", {PROPOSED_CALL, XIANGSHAN}),
        ("Sept 2025", {PROPOSED_CALL, XIANGSHAN}),
        ("early September 2025", {PROPOSED_CALL}),
        ("18 September 2025", {XIANGSHAN}),
        ("2025-09-15/2025-09-17", {XIANGSHAN}),
        ("Q3 2025", {RUBIO, PROPOSED_CALL, XIANGSHAN}),
        ("July 2025", {RUBIO}),
        ("2024", {SUMMIT}),
        ("2025", SEED_ENGAGEMENTS),
        ("August 2025", set()),
    ],
)
def test_engagement_during_filter_keeps_overlapping_fuzzy_dates(client, seeded, during, expected):
    assert listed(client, f"{ENGAGEMENTS}?during={during}", engagement_titles) == expected


def test_engagement_party_filter_keeps_channels_with_that_party_on_either_side(client, seeded):
    other = ChannelFactory(slug="other-channel")
    EngagementFactory(channel=other, title="Talks elsewhere")
    assert listed(client, f"{ENGAGEMENTS}?party=china", engagement_titles) == SEED_ENGAGEMENTS
    assert listed(client, f"{ENGAGEMENTS}?party=united-states", engagement_titles) == (
        SEED_ENGAGEMENTS
    )
    for party in (other.party_a, other.party_b):
        assert listed(client, f"{ENGAGEMENTS}?party={party.slug}", engagement_titles) == {
            "Talks elsewhere"
        }
    assert listed(client, f"{ENGAGEMENTS}?channel=other-channel", engagement_titles) == {
        "Talks elsewhere"
    }


@pytest.fixture
def chinese_paraphrase(seeded):
    """A paraphrased, critical remark by a Chinese official on the diplomatic channel."""
    from events.models import Actor, Channel

    speaker = PersonFactory(name="Mao Ning", slug="mao-ning", state=Actor.objects.get(slug="china"))
    statement = StatementFactory(
        speaker=speaker,
        text="Washington should stop hyping the so-called threat.",
        is_verbatim=False,
        stance="critical",
        said_earliest=date(2025, 9, 4),
        said_latest=date(2025, 9, 4),
        said_precision="day",
    )
    statement.channels.add(Channel.objects.get(slug="us-china-diplomatic"))
    return statement.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stance=hostile", {THREAT}),
        ("stance=conciliatory", {NO_SUBJUGATION}),
        ("stance=critical", {"PARAPHRASE"}),
        ("stance=neutral", set()),
        ("speaker=pete-hegseth", SEED_STATEMENTS),
        ("speaker=mao-ning", {"PARAPHRASE"}),
        ("speaker=marco-rubio", set()),
        ("party=united-states", SEED_STATEMENTS),
        ("party=china", {"PARAPHRASE"}),
        ("channel=us-china-military", SEED_STATEMENTS),
        ("channel=us-china-diplomatic", {"PARAPHRASE"}),
        ("channel=us-china-leaders", set()),
        ("is_verbatim=true", SEED_STATEMENTS),
        ("is_verbatim=false", {"PARAPHRASE"}),
        ("during=September 2025", {"PARAPHRASE"}),
        ("during=May 2025", SEED_STATEMENTS),
        ("during=31 May 2025", SEED_STATEMENTS),
        ("during=2024", set()),
        ("speaker=pete-hegseth&stance=hostile", {THREAT}),
    ],
)
def test_statement_filters(client, chinese_paraphrase, query, expected):
    expected = {chinese_paraphrase if text == "PARAPHRASE" else text for text in expected}
    assert listed(client, f"{STATEMENTS}?{query}", statement_texts) == expected


def test_paraphrase_is_marked_as_such(client, chinese_paraphrase):
    page = text_of(results(get(client, f"{STATEMENTS}?speaker=mao-ning")))
    assert f"{chinese_paraphrase} (paraphrase)" in page
    assert "Mao Ning, 4 September 2025 · Critical" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=state", {"United States", "People's Republic of China"}),
        ("kind=person&state=china", CHINESE_PEOPLE),
        (
            "kind=institution&state=china",
            {
                "Central Military Commission",
                "Ministry of National Defense of the People's Republic of China",
                "Ministry of Foreign Affairs of the People's Republic of China",
                "Political Bureau of the Communist Party of China Central Committee",
                "Presidency of the People's Republic of China",
            },
        ),
        (
            "kind=person&state=united-states",
            {"Pete Hegseth", "Marco Rubio", "Donald Trump", "Alvaro Smith"},
        ),
    ],
)
def test_actor_filters(client, seeded, query, expected):
    assert listed(client, f"{ACTORS}?{query}", actor_names) == expected


XINHUA = {
    "Xinhua: Dong Jun appointed minister of national defense",
    "Xinhua: Wang Yi appointed foreign minister",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=major_outlet", XINHUA),
        ("kind=official_readout", {"US Department of State"}),
        ("kind=transcript", {"US Department of Defense"}),
        ("kind=secondary_report", {REPORT}),
        ("outlet=xinhua", XINHUA),
        ("outlet=US Department", {"US Department of State", "US Department of Defense"}),
        ("during=2023", XINHUA),
        ("during=September 2025", {REPORT}),
        ("during=mid September 2025", {REPORT}),  # 3–16 September overlaps 11–20 September
        ("during=May 2025", {"US Department of Defense"}),
        ("during=2025", SEED_SOURCES - XINHUA),
        ("kind=major_outlet&during=July 2023", {"Xinhua: Wang Yi appointed foreign minister"}),
    ],
)
def test_source_filters(client, seeded, query, expected):
    assert listed(client, f"{SOURCES}?{query}", source_names) == expected


# --- Search: the same expectations on SQLite and PostgreSQL ------------------------------------


def test_search_statements_finds_only_the_conciliatory_quote_and_marks_the_word(client, seeded):
    html = get(client, f"{STATEMENTS}?q=subjugate")
    assert statement_texts(html) == [NO_SUBJUGATION]
    assert "<mark>subjugate</mark>" in results(html)
    assert count_text(html) == "1 statement"
    # The search box keeps what was typed.
    assert re.search(r'<input type="search" name="q" value="subjugate"[^>]* id="id_q">', html)


def test_search_statements_by_speaker_name_and_case_insensitively(client, seeded):
    assert listed(client, f"{STATEMENTS}?q=HEGSETH", statement_texts) == SEED_STATEMENTS
    assert listed(client, f"{STATEMENTS}?q=imminent threat", statement_texts) == {THREAT}
    assert listed(client, f"{STATEMENTS}?q=imminent subjugate", statement_texts) == set()
    assert listed(client, f"{STATEMENTS}?q=subjug", statement_texts) == set()  # whole words


def test_search_engagements(client, seeded):
    html = get(client, f"{ENGAGEMENTS}?q=Xiangshan")
    assert engagement_titles(html) == [XIANGSHAN]
    assert "<mark>Xiangshan</mark>" in results(html)
    # Participants' names and the location are searched too.
    assert listed(client, f"{ENGAGEMENTS}?q=Zhang", engagement_titles) == {PROPOSED_CALL}
    assert listed(client, f"{ENGAGEMENTS}?q=Kuala Lumpur", engagement_titles) == {RUBIO}


def test_search_sources(client, seeded):
    html = get(client, f"{SOURCES}?q=Nikkei")
    assert source_names(html) == [REPORT]
    assert "<mark>Nikkei</mark>" in results(html)
    assert listed(client, f"{SOURCES}?q=xinhua", source_names) == XINHUA


def test_search_actors(client, seeded):
    html = get(client, f"{ACTORS}?q=Zhang")
    assert actor_names(html) == ["Zhang Youxia"]
    assert "<mark>Zhang</mark>" in results(html)
    # Short names, aliases and descriptions are searched too.
    assert listed(client, f"{ACTORS}?q=Pentagon", actor_names) == {
        "US Department of Defense",
        "Defense attachés, US Embassy in Beijing",  # “who represent the Pentagon in China”
    }


def test_search_combines_with_filters(client, seeded):
    assert listed(client, f"{ENGAGEMENTS}?q=China&state=held", engagement_titles) == {RUBIO}
    assert listed(client, f"{STATEMENTS}?q=Hegseth&stance=hostile", statement_texts) == {THREAT}


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, ACTORS, SOURCES])
def test_search_for_nothing_found_says_so(client, seeded, url):
    html = get(client, f"{url}?q=zzyzx")
    assert count_text(html).startswith("0 ")
    assert "match these filters" in text_of(results(html))


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, ACTORS, SOURCES])
def test_search_with_only_punctuation_is_no_search(client, seeded, url):
    html_all = get(client, url)
    html_punctuation = get(client, f"{url}?q=%22*%22+-")
    assert count_text(html_punctuation) == count_text(html_all)


# --- Sorting -------------------------------------------------------------------------------------


def test_engagements_sort_by_title_and_date_both_ways(client, seeded):
    by_title = engagement_titles(get(client, f"{ENGAGEMENTS}?sort=title"))
    assert by_title == sorted(SEED_ENGAGEMENTS)
    assert engagement_titles(get(client, f"{ENGAGEMENTS}?sort=-title")) == by_title[::-1]
    by_date = [SUMMIT, RUBIO, PROPOSED_CALL, XIANGSHAN]
    assert engagement_titles(get(client, f"{ENGAGEMENTS}?sort=when")) == by_date
    assert engagement_titles(get(client, f"{ENGAGEMENTS}?sort=-when")) == by_date[::-1]
    assert engagement_titles(get(client, ENGAGEMENTS)) == by_date  # soonest first by default


def test_statements_sort_by_stance_both_ways(client, chinese_paraphrase):
    # Stances sort by their stored value: conciliatory, critical, hostile.
    ascending = [NO_SUBJUGATION, chinese_paraphrase, THREAT]
    assert statement_texts(get(client, f"{STATEMENTS}?sort=stance")) == ascending
    assert statement_texts(get(client, f"{STATEMENTS}?sort=-stance")) == ascending[::-1]
    newest_first = statement_texts(get(client, STATEMENTS))
    assert newest_first[0] == chinese_paraphrase
    assert statement_texts(get(client, f"{STATEMENTS}?sort=said"))[-1] == chinese_paraphrase


def test_actors_and_sources_sort(client, seeded):
    names = actor_names(get(client, f"{ACTORS}?sort=-name"))
    assert names == sorted(names, reverse=True) and len(names) == 20
    outlets = [name.split(":")[0] for name in source_names(get(client, f"{SOURCES}?sort=outlet"))]
    assert outlets == sorted(outlets)
    newest = source_names(get(client, f"{SOURCES}?sort=-published"))
    assert newest[0] == REPORT and newest[-1] == "Xinhua: Wang Yi appointed foreign minister"


def test_sort_offers_ascending_and_descending_choices(client, seeded):
    html = get(client, f"{ENGAGEMENTS}?sort=-when")
    select = re.search(r'<select name="sort" id="id_sort">(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', select)
    assert [(value, label) for value, _, label in options] == [
        ("", "Earliest first (undated last)"),
        ("when", "Date, earliest first"),
        ("-when", "Date, latest first"),
        ("title", "Title, A–Z"),
        ("-title", "Title, Z–A"),
        ("state", "Lifecycle state, A–Z"),
        ("-state", "Lifecycle state, Z–A"),
    ]
    assert [value for value, selected, _ in options if selected] == ["-when"]


@pytest.mark.parametrize(
    ("url", "default", "labels"),
    [
        (
            STATEMENTS,
            "Newest first",
            [
                "Date said, oldest first",
                "Date said, newest first",
                "Speaker, A–Z",
                "Speaker, Z–A",
                "Stance, A–Z",
                "Stance, Z–A",
            ],
        ),
        (
            ACTORS,
            "Name, A–Z (default)",
            ["Name, A–Z", "Name, Z–A", "Kind, A–Z", "Kind, Z–A"],
        ),
        (
            SOURCES,
            "Newest published first",
            [
                "Published, oldest first",
                "Published, newest first",
                "Outlet, A–Z",
                "Outlet, Z–A",
            ],
        ),
    ],
)
def test_sort_choices_are_labelled(client, db, url, default, labels):
    html = get(client, url)
    select = re.search(r'<select name="sort" id="id_sort">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="" selected>(.*?)</option>', select) == [default]
    assert re.findall(r'<option value="[^"]+">(.*?)</option>', select) == labels
    assert "---------" not in html


def test_filter_labels_name_what_they_filter(client, db):
    html = get(client, STATEMENTS)
    labels = [text_of(label) for label in re.findall(r"<label for=\"id_\w+\">(.*?)</label>", html)]
    assert labels == [
        "Search",
        "Channel",
        "Speaker’s party",
        "Speaker",
        "Stance",
        "Verbatim or paraphrase",
        "During",
        "Sort by",
    ]


# --- Pagination, count and links that keep the filters -----------------------------------------


@pytest.fixture
def thirty_engagements(db):
    channel = ChannelFactory(slug="busy-channel")
    for i in range(30):
        EngagementFactory(
            channel=channel,
            title=f"Meeting {i:02d}",
            when_earliest=date(2025, 1, 1 + i),
            when_latest=date(2025, 1, 1 + i),
            when_precision="day",
        )
    EngagementFactory(title="Elsewhere")  # another channel: filtered out
    return channel


def next_link(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert match, "no link to the next page"
    return html_lib.unescape(match.group(1))


def test_pagination_shows_25_per_page_and_links_keep_the_filters(client, thirty_engagements):
    first = get(client, f"{ENGAGEMENTS}?channel=busy-channel&sort=title")
    assert count_text(first) == "30 engagements"
    assert engagement_titles(first) == [f"Meeting {i:02d}" for i in range(25)]
    assert "Page 1 of 2" in text_of(first)

    link = next_link(first)
    assert link == "?channel=busy-channel&sort=title&page=2"
    second = get(client, f"{ENGAGEMENTS}{link}")
    assert engagement_titles(second) == [f"Meeting {i:02d}" for i in range(25, 30)]
    assert "Page 2 of 2" in text_of(second)
    previous = re.search(r'<a href="([^"]+)" rel="prev">', second)
    assert html_lib.unescape(previous.group(1)) == "?channel=busy-channel&sort=title&page=1"


def test_export_links_keep_the_filters_but_not_the_page(client, thirty_engagements):
    html = get(client, f"{ENGAGEMENTS}?channel=busy-channel&during=January+2025&page=2")
    links = [html_lib.unescape(href) for href in re.findall(r'<a href="([^"]+)" download>', html)]
    assert links == [
        "?channel=busy-channel&during=January+2025&format=csv",
        "?channel=busy-channel&during=January+2025&format=json",
    ]


def test_page_out_of_range_or_not_a_number_shows_a_real_page(client, thirty_engagements):
    url = f"{ENGAGEMENTS}?channel=busy-channel&sort=title"
    assert len(engagement_titles(get(client, f"{url}&page=99"))) == 5  # the last page
    assert len(engagement_titles(get(client, f"{url}&page=abc"))) == 25  # the first page


def test_count_is_singular_for_one_row(client, seeded):
    assert count_text(get(client, f"{ENGAGEMENTS}?state=held")) == "1 engagement"
    assert count_text(get(client, f"{ENGAGEMENTS}?state=declined")) == "0 engagements"


def test_no_pagination_when_everything_fits_on_one_page(client, seeded):
    assert 'class="pagination"' not in get(client, ENGAGEMENTS)


# --- htmx and JavaScript off ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "read", "expected"),
    [
        (f"{ENGAGEMENTS}?state=held", engagement_titles, [RUBIO]),
        (f"{STATEMENTS}?stance=hostile", statement_texts, [THREAT]),
        (f"{ACTORS}?q=Zhang", actor_names, ["Zhang Youxia"]),
        (f"{SOURCES}?q=Nikkei", source_names, [REPORT]),
    ],
)
def test_htmx_request_gets_only_the_results_fragment(client, seeded, url, read, expected):
    fragment = get(client, url, headers={"HX-Request": "true"})
    assert fragment.lstrip().startswith('<div id="results"')
    assert fragment.rstrip().endswith("</div>")
    assert "<html" not in fragment and '<nav class="nav"' not in fragment
    assert 'class="filters"' not in fragment  # the form stays on the page
    assert read(fragment) == expected
    assert count_text(fragment).startswith("1 ")


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, ACTORS, SOURCES])
def test_page_and_fragment_are_cached_apart(client, seeded, url):
    for headers in ({}, {"HX-Request": "true"}):
        vary = client.get(url, headers=headers)["Vary"]
        assert "HX-Request" in [value.strip() for value in vary.split(",")]


def test_htmx_history_restore_gets_the_whole_page(client, seeded):
    html = get(
        client,
        f"{ENGAGEMENTS}?state=held",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in html and 'class="filters"' in html


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, ACTORS, SOURCES])
def test_filters_are_a_plain_get_form_that_works_without_javascript(client, seeded, url):
    html = get(client, url)
    form = re.search(r'<form class="filters" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == url
    assert '<button type="submit">Apply</button>' in html
    assert f'<a href="{url}">Clear</a>' in html
    assert 'name="q"' in html and 'name="sort"' in html


def test_form_shows_the_filters_in_force(client, seeded):
    html = get(client, f"{ENGAGEMENTS}?state=held&during=July+2025&q=Rubio")
    assert re.search(r'<option value="held" selected>', html)
    assert 'value="July 2025"' in html
    assert 'value="Rubio"' in html


# --- Bad input: a message on the field, no rows, never a 500 -----------------------------------


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, SOURCES])
def test_unreadable_date_gets_a_message_on_the_field_and_no_rows(client, seeded, url):
    response = client.get(f"{url}?during=next tuesday")
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<p class="field-error" id="id_during_error" role="alert">(.*?)</p>', html)
    assert error, "no message on the date field"
    # The box says it is wrong and points at both its help and the message.
    box = re.search(r'<input type="text" name="during"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in box
    assert 'aria-describedby="id_during_helptext id_during_error"' in box
    assert '"next tuesday" is not a date this app can read' in text_of(error.group(1))
    assert "filters__field--error" in html
    assert count_text(html).startswith("0 ")
    assert "A filter could not be read" in text_of(results(html))
    assert not re.search(r"<tbody>\s*<tr>", results(html))
    assert '<article class="item statement">' not in results(html)


def test_htmx_fragment_names_the_unreadable_filter(client, seeded):
    # With htmx only the results are swapped in, so they carry the message themselves.
    fragment = get(client, f"{ENGAGEMENTS}?during=next tuesday", headers={"HX-Request": "true"})
    banner = text_of(fragment)
    assert "A filter could not be read" in banner
    assert "During:" in banner and "next tuesday" in banner and "is not a date" in banner


@pytest.mark.parametrize(
    "query",
    [
        "channel=no-such-channel",
        "state=imaginary",
        "sort=bogus",
        "participant=nobody",
        "during=32 September 2025",
        "during=2025-09-19/2025-09-17",
    ],
)
def test_other_bad_filters_show_a_message_and_no_rows(client, seeded, query):
    response = client.get(f"{ENGAGEMENTS}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert engagement_titles(html) == []
    assert count_text(html) == "0 engagements"


def test_unknown_parameters_are_ignored(client, seeded):
    assert listed(client, f"{ENGAGEMENTS}?utm_source=mail", engagement_titles) == SEED_ENGAGEMENTS


# --- The source list counts citations per source --------------------------------------------------


def test_source_citation_count(client, db):
    SourceFactory(outlet="Quiet Outlet", title="Nothing cited")
    html = get(client, f"{SOURCES}?outlet=Quiet")
    assert source_names(html) == ["Quiet Outlet"]
    row = re.search(r"<tr>\s*<td>.*?</tr>", results(html), re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", row)[-1] == "0"
