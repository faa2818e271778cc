"""Source chains: what a report's passage relays (another outlet, an official readout, a wire
agency) is recorded on the citation, shown wherever citations are, filterable on the sources
list and carried by the API and the exports; the admin and the intake record it."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events import services
from events.admin import CitationForm, CitationInline
from events.models import Citation, Engagement, Source, Statement
from tests.factories import ChannelFactory, SourceFactory, StatusChangeFactory
from tests.test_api import results
from tests.test_intake_pages import CANDID, OUTLET, TITLE, accept, article_form
from tests.test_lists import text_of

pytestmark = pytest.mark.django_db

REPORT = "Online news report (outlet not recorded)"


@pytest.fixture
def wire_story(seeded):
    """Besides the seed's report: a newspaper passage relaying a wire agency (the newspaper
    names no source for the whole article), and a first-hand readout."""
    change = StatusChangeFactory(channel=ChannelFactory())
    paper = SourceFactory(outlet="Harbour Gazette", title="Talks resume", kind="major_outlet")
    services.citation_add(
        fact=change,
        source=paper,
        passage="Talks resumed, the agency said.",
        relays="Reuters",
        relays_kind="wire",
    )
    readout = SourceFactory(outlet="Foreign ministry", title="Readout", kind="official_readout")
    services.citation_add(fact=change, source=readout, passage="The ministers spoke.")
    return paper, readout


def listed(client, query: str) -> list[str]:
    html = client.get(f"/sources/?{query}").content.decode()
    return [title for title in ("Talks resume", "Readout", "Pentagon proposes") if title in html]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("relays_kind=wire", ["Talks resume"]),
        ("relays_kind=outlet", ["Pentagon proposes"]),
        ("relays_kind=official_readout", ["Pentagon proposes"]),
        ("relays=reuters", ["Talks resume"]),
        # The report's own `relays` and its passages' both count.
        ("relays=Nikkei", ["Pentagon proposes"]),
        ("relays=State Department", ["Pentagon proposes"]),
        ("relays=nobody", []),
        ("", ["Talks resume", "Readout", "Pentagon proposes"]),
    ],
)
def test_sources_list_filters_by_relayed_origin(client, wire_story, query, expected):
    assert listed(client, query) == expected


def test_sources_list_shows_what_the_passages_relay(client, wire_story):
    text = text_of(client.get("/sources/?relays=Nikkei").content.decode())
    assert "Relays: Nikkei Asia, citing US officials; State Department readouts" in text
    assert (
        "Passages relay: Nikkei Asia; Nikkei Asia, citing US officials; "
        "US State Department readouts" in text
    )
    paper = text_of(client.get("/sources/?relays_kind=wire").content.decode())
    assert "Passages relay: Reuters" in paper and "Relays:" not in paper


def test_sources_export_carries_what_passages_relay(client, wire_story):
    response = client.get("/sources/?relays_kind=wire&format=csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [(row["outlet"], row["relays"], row["passages_relay"]) for row in rows] == [
        ("Harbour Gazette", "", "Reuters")
    ]


def test_engagement_export_says_what_each_citation_relays(client, seeded):
    response = client.get("/engagements/?format=json")
    data = json.loads(b"".join(response.streaming_content))
    rows = {row["title"]: row for row in data["results"]}
    sources = rows["Proposed call between the Pentagon and China's military leadership"]["sources"]
    assert "Beijing has not accepted. [relaying Nikkei Asia — another outlet's report]" in sources
    assert "[relaying US State Department readouts — an official readout]" in sources


def test_api_carries_the_relay_and_filters_by_it(client, wire_story):
    (paper,) = results(client, "/api/sources/", relays_kind="wire")
    assert paper["outlet"] == "Harbour Gazette"
    assert [(c["relays"], c["relays_kind"]) for c in paper["citations"]] == [("Reuters", "wire")]
    (report,) = results(client, "/api/sources/", relays="Nikkei")
    assert report["outlet"] == REPORT


def test_a_citation_without_a_relay_of_its_own_shows_the_sources(client, seeded):
    html = client.get("/channels/us-china-military/").content.decode()
    relays = [text_of(span) for span in html.split('<span class="source__relays">')[1:]]
    assert any(r.startswith("relaying Nikkei Asia — another outlet's report") for r in relays)
    # What the report as a whole relays is said once, beside the report in the sources list.
    report = html.split('<li class="source-note" id="source-1">')[1].split("<details")[0]
    assert text_of(report).endswith(
        "· relaying Nikkei Asia, citing US officials; State Department readouts"
    )


def test_a_first_hand_citation_shows_no_relay(client, wire_story):
    citation = Citation.objects.get(source=wire_story[1])
    assert citation.relay is None
    assert (
        str(Citation.objects.get(source=wire_story[0]).relay) == "relaying Reuters — a wire agency"
    )


# --- Recording a relay ---------------------------------------------------------------------------


def test_a_relay_needs_its_kind_in_the_service_and_the_database(seeded):
    change = StatusChangeFactory(channel=ChannelFactory())
    source = SourceFactory()
    with pytest.raises(ValidationError) as refused:
        services.citation_add(fact=change, source=source, passage="Words.", relays="Reuters")
    assert refused.value.message_dict == {
        "relays_kind": ["Say what kind of origin the passage relays."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(fact=change, source=source, passage="Words.", relays="Reuters")


def test_admin_citation_rows_edit_the_relay(seeded):
    assert {"relays", "relays_kind"} <= set(CitationInline.fields)
    citation = Citation.objects.filter(relays="").first()
    data = {
        "source": citation.source_id,
        "passage": citation.passage,
        "locator": citation.locator,
        "claim": citation.claim,
        "relays": "Kyodo",
        "relays_kind": "",
        # The row's edit check, as the admin page carries it.
        "edit_snapshot": CitationForm(instance=citation)["edit_snapshot"].value(),
    }
    form = CitationForm(data, instance=citation)
    assert not form.is_valid()
    assert "Say what kind of origin the passage relays." in str(form.errors)

    form = CitationForm({**data, "relays_kind": "wire"}, instance=citation)
    assert form.is_valid(), form.errors
    form.save()
    citation.refresh_from_db()
    assert (citation.relays, citation.relays_kind) == ("Kyodo", "wire")


def test_intake_records_what_an_accepted_quote_relays(seeded, editor_client):
    assert editor_client.post("/intake/", article_form()).status_code == 302
    source = Source.objects.get(outlet=OUTLET, title=TITLE)
    page = editor_client.get(f"/intake/{source.pk}/").content.decode()
    assert 'name="relays"' in page and '<option value="wire">A wire agency</option>' in page

    response = accept(
        editor_client,
        source,
        CANDID,
        kind="statement",
        speaker=Engagement.objects.first().participations.first().actor_id,
        stance="cooperative",
        relays="State Department readout",
        relays_kind="official_readout",
    )

    assert response.status_code == 302
    (citation,) = Statement.objects.get(text=CANDID).citations.all()
    assert (citation.relays, citation.relays_kind) == (
        "State Department readout",
        "official_readout",
    )


def test_intake_refuses_a_relay_without_its_kind(seeded, editor_client):
    editor_client.post("/intake/", article_form())
    source = Source.objects.get(outlet=OUTLET, title=TITLE)
    before = Citation.objects.count()

    response = accept(
        editor_client,
        source,
        CANDID,
        kind="statement",
        speaker=Engagement.objects.first().participations.first().actor_id,
        relays="Somebody",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what kind of origin the passage relays." in page
    assert 'value="Somebody"' in page  # the relay typed is kept in the form
    assert Citation.objects.count() == before
    assert not Statement.objects.filter(text=CANDID).exists()
