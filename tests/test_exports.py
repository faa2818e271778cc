"""CSV and JSON downloads of the lists: exactly the filtered rows (all of them, not one page),
fuzzy dates with their bounds and human form, and spreadsheet formulas neutralised."""

import csv
import io
import json
from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse

from events.filters import ActorFilter, EngagementFilter, SourceFilter, StatementFilter
from events.models import Actor, Channel, Engagement, Source, Statement
from tests.factories import (
    EngagementFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    cite,
)

pytestmark = pytest.mark.django_db

ENGAGEMENTS = reverse("events:engagement_list")
STATEMENTS = reverse("events:statement_list")
ACTORS = reverse("events:actor_list")
SOURCES = reverse("events:source_list")

FUZZY = ("", "_earliest", "_latest", "_precision")


def download_csv(client, url: str) -> tuple[list[str], list[dict]]:
    """(header, rows) of a CSV download."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff"), "no byte-order mark for spreadsheet programs"
    reader = csv.DictReader(io.StringIO(raw.removeprefix("\ufeff")))
    rows = list(reader)
    return list(reader.fieldnames), rows


def download_json(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(b"".join(response.streaming_content))
    assert data["count"] == len(data["results"])
    return data["results"]


def expected_ids(filterset_class, query: str, queryset) -> list[int]:
    filterset = filterset_class(QueryDict(query), queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("pk", flat=True))


def exported_ids(client, url: str, query: str) -> tuple[list[int], list[int]]:
    _, rows = download_csv(client, f"{url}?{query}&format=csv")
    records = download_json(client, f"{url}?{query}&format=json")
    return sorted(int(row["id"]) for row in rows), sorted(record["id"] for record in records)


# --- Exactly the filtered rows, every one of them ------------------------------------------------


@pytest.fixture
def many_statements(seeded):
    """35 hostile and 10 neutral statements besides the seed's two."""
    china = Actor.objects.get(slug="china")
    speaker = PersonFactory(state=china)
    for i in range(35):
        StatementFactory(speaker=speaker, stance="hostile", text=f"Hostile remark {i}.")
    for i in range(10):
        StatementFactory(speaker=speaker, stance="neutral", text=f"Neutral remark {i}.")


def test_statement_export_of_a_filtered_list_has_exactly_its_rows(client, many_statements):
    query = "stance=hostile"
    expected = expected_ids(StatementFilter, query, Statement.objects.all())
    assert len(expected) == 36  # more than one page: the export is not paginated
    csv_ids, json_ids = exported_ids(client, STATEMENTS, query)
    assert csv_ids == expected
    assert json_ids == expected
    threat = Statement.objects.get(text__startswith="The threat China poses")
    assert threat.pk in csv_ids
    assert Statement.objects.get(text__startswith="We will not").pk not in csv_ids


@pytest.fixture
def many_engagements(seeded):
    """On the military channel: 30 engagements in early September 2025 and 5 in October; and 5
    in September on a channel of their own."""
    military = Channel.objects.get(slug="us-china-military")
    for i in range(30):
        EngagementFactory(channel=military, title=f"September talks {i}")
    for i in range(5):
        EngagementFactory(
            channel=military,
            title=f"October talks {i}",
            when_earliest=date(2025, 10, 1),
            when_latest=date(2025, 10, 31),
            when_precision="month",
        )
    for i in range(5):
        EngagementFactory(title=f"Elsewhere {i}")


def test_engagement_export_of_a_filtered_list_has_exactly_its_rows(client, many_engagements):
    query = "during=September+2025&channel=us-china-military"
    expected = expected_ids(EngagementFilter, query, Engagement.objects.all())
    assert len(expected) == 32  # 30 + the proposed call + the Xiangshan Forum
    csv_ids, json_ids = exported_ids(client, ENGAGEMENTS, query)
    assert csv_ids == expected
    assert json_ids == expected
    titles = {row["title"] for row in download_json(client, f"{ENGAGEMENTS}?{query}&format=json")}
    assert "Proposed call between the Pentagon and China's military leadership" in titles
    assert "Beijing Xiangshan Forum — US participation" in titles
    assert not any(title.startswith(("October", "Elsewhere")) for title in titles)
    assert "Rubio meets China's Foreign Minister in Malaysia" not in titles


def test_export_ignores_the_page_number(client, many_engagements):
    query = "channel=us-china-military&sort=title&page=2"
    expected = expected_ids(EngagementFilter, query, Engagement.objects.all())
    assert len(expected) == 37
    csv_ids, json_ids = exported_ids(client, ENGAGEMENTS, query)
    assert csv_ids == json_ids == expected


def test_export_keeps_the_lists_sort_order(client, many_engagements):
    records = download_json(
        client, f"{ENGAGEMENTS}?channel=us-china-military&sort=-title&format=json"
    )
    titles = [record["title"] for record in records]
    assert titles == sorted(titles, reverse=True)


@pytest.mark.parametrize(
    ("url", "filterset_class", "model", "query"),
    [
        (ENGAGEMENTS, EngagementFilter, Engagement, "state=proposed"),
        (ENGAGEMENTS, EngagementFilter, Engagement, "participant=zhang-youxia"),
        (ENGAGEMENTS, EngagementFilter, Engagement, "q=Xiangshan"),
        (STATEMENTS, StatementFilter, Statement, "q=subjugate"),
        (
            STATEMENTS,
            StatementFilter,
            Statement,
            "speaker=pete-hegseth&during=May+2025&is_verbatim=true&stance=conciliatory",
        ),
        (ACTORS, ActorFilter, Actor, "kind=person&state=china"),
        (ACTORS, ActorFilter, Actor, "q=Zhang"),
        (SOURCES, SourceFilter, Source, "kind=major_outlet"),
        (SOURCES, SourceFilter, Source, "q=Nikkei"),
        (SOURCES, SourceFilter, Source, "during=2025"),
    ],
)
def test_every_list_exports_exactly_its_filtered_rows(
    client, seeded, url, filterset_class, model, query
):
    expected = expected_ids(filterset_class, query, model.objects.all())
    assert expected, "the filter should keep some seed rows"
    assert len(expected) < model.objects.count(), "the filter should leave some seed rows out"
    csv_ids, json_ids = exported_ids(client, url, query)
    assert csv_ids == json_ids == expected


@pytest.mark.parametrize(("url", "model"), [(ENGAGEMENTS, Engagement), (ACTORS, Actor)])
def test_unfiltered_export_has_every_row(client, seeded, url, model):
    csv_ids, json_ids = exported_ids(client, url, "")
    assert csv_ids == json_ids == sorted(model.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("url", [ENGAGEMENTS, STATEMENTS, SOURCES])
def test_export_with_an_unreadable_filter_has_no_rows_and_no_error(client, seeded, url):
    header, rows = download_csv(client, f"{url}?during=next+tuesday&format=csv")
    assert "id" in header and rows == []
    assert download_json(client, f"{url}?during=next+tuesday&format=json") == []


def test_downloads_are_named_after_their_list(client, seeded):
    for url, name in [
        (ENGAGEMENTS, "engagements"),
        (STATEMENTS, "statements"),
        (ACTORS, "actors"),
        (SOURCES, "sources"),
    ]:
        for fmt in ("csv", "json"):
            response = client.get(f"{url}?format={fmt}")
            assert response["Content-Disposition"] == f'attachment; filename="{name}.{fmt}"'


# --- Columns -------------------------------------------------------------------------------------


def test_engagement_columns_give_fuzzy_dates_with_bounds_and_human_form(client, seeded):
    header, rows = download_csv(client, f"{ENGAGEMENTS}?format=csv")
    assert header == [
        "id",
        "channel",
        "title",
        "kind",
        "state",
        *[f"when{suffix}" for suffix in FUZZY],
        "location",
        "initiator",
        "participants",
        "sources",
    ]
    by_title = {row["title"]: row for row in rows}
    call = by_title["Proposed call between the Pentagon and China's military leadership"]
    assert (call["when"], call["when_earliest"], call["when_latest"], call["when_precision"]) == (
        "early September 2025",
        "2025-09-01",
        "2025-09-10",
        "part_of_month",
    )
    assert call["channel"] == "US–China military-to-military"
    assert call["kind"] == "Phone call" and call["state"] == "Proposed"
    assert call["initiator"] == "United States"
    assert "Zhang Youxia (China, Principal, Sought by the other side)" in call["participants"]
    assert call["sources"].startswith(
        "Online news report (outlet not recorded) (3–16 September 2025): The Pentagon proposed"
    )
    forum = by_title["Beijing Xiangshan Forum — US participation"]
    assert (forum["when"], forum["when_earliest"], forum["when_latest"]) == (
        "17–19 September 2025",
        "2025-09-17",
        "2025-09-19",
    )
    assert forum["when_precision"] == "range"
    summit = by_title["Anticipated Trump–Xi summit"]
    assert (summit["when"], summit["when_earliest"], summit["when_latest"]) == (
        "late 2024 – early 2025",
        "2024-09-01",
        "2025-04-30",
    )


def test_json_gives_the_same_fuzzy_columns_and_null_for_unknown_dates(client, seeded):
    EngagementFactory(
        title="Undated talks", when_earliest=None, when_latest=None, when_precision=""
    )
    records = {r["title"]: r for r in download_json(client, f"{ENGAGEMENTS}?format=json")}
    rubio = records["Rubio meets China's Foreign Minister in Malaysia"]
    assert {key: rubio[key] for key in ("when", "when_earliest", "when_latest")} == {
        "when": "11 July 2025",
        "when_earliest": "2025-07-11",
        "when_latest": "2025-07-11",
    }
    assert rubio["when_precision"] == "day"
    assert rubio["location"] == "Kuala Lumpur, Malaysia"
    undated = records["Undated talks"]
    assert [undated[f"when{suffix}"] for suffix in FUZZY] == [None, None, None, None]


def test_statement_and_source_columns(client, seeded):
    header, rows = download_csv(client, f"{STATEMENTS}?stance=hostile&format=csv")
    assert [f"said{suffix}" for suffix in FUZZY] == [h for h in header if h.startswith("said")]
    (threat,) = rows
    assert threat["speaker"] == "Pete Hegseth"
    assert threat["text"] == "The threat China poses is real and it could be imminent."
    assert threat["verbatim"] == "True" and threat["stance"] == "Hostile"
    assert (threat["said"], threat["said_earliest"], threat["said_precision"]) == (
        "31 May 2025",
        "2025-05-31",
        "day",
    )
    assert threat["channels"] == "US–China military-to-military"
    assert threat["interpretations"].startswith("What China takes as the real message: Beijing")

    (report,) = download_json(client, f"{SOURCES}?q=Nikkei&format=json")
    assert report["published"] == "3–16 September 2025"
    assert (report["published_earliest"], report["published_latest"]) == (
        "2025-09-03",
        "2025-09-16",
    )
    assert report["published_precision"] == "range"
    assert report["relays"].startswith("Nikkei Asia")
    assert report["citations"] > 20


# --- Spreadsheet formulas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.com/x","click")',
        "+1 555 0100 is the hotline",
        "-2 percent growth, he said",
        "@everyone listen",
    ],
)
def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, db, text):
    statement = StatementFactory(text=text, venue="=cmd|' /C calc'!A0")
    cite(statement)
    _, rows = download_csv(client, f"{STATEMENTS}?format=csv")
    (row,) = rows
    assert row["text"] == "'" + text
    assert row["venue"] == "'=cmd|' /C calc'!A0"
    assert row["id"] == str(statement.pk)
    # JSON is not opened by spreadsheets: it keeps the words as they are.
    (record,) = download_json(client, f"{STATEMENTS}?format=json")
    assert record["text"] == text


def test_csv_leaves_ordinary_text_alone(client, db):
    StatementFactory(text="Talks = progress, says envoy (+1)")
    SourceFactory(outlet="Outlet", title="-")
    _, rows = download_csv(client, f"{STATEMENTS}?format=csv")
    assert rows[0]["text"] == "Talks = progress, says envoy (+1)"
    _, sources = download_csv(client, f"{SOURCES}?format=csv")
    assert sources[0]["title"] == "'-"
