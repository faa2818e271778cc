"""The read API's content: every endpoint, on the seed (the US–China picture of September 2025).

Filters, pagination, access and query counts have their own files (tests/test_api_*.py).
"""

import pytest

from events.models import Engagement, Source, Statement

pytestmark = pytest.mark.usefixtures("seeded")

API = "http://testserver/api"


def get(client, path: str, **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def results(client, path: str, **params) -> list[dict]:
    page = get(client, path, page_size=100, **params)
    assert page["next"] is None
    return page["results"]


def by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def citation_summaries(record: dict) -> set[tuple[str, str]]:
    return {(c["outlet"], c["passage"]) for c in record["citations"]}


REPORT = "Online news report (outlet not recorded)"


# --- Root, channels ------------------------------------------------------------------------------


def test_root_lists_every_endpoint(client):
    root = get(client, "/api/")
    assert root == {
        "channels": f"{API}/channels/",
        "status-changes": f"{API}/status-changes/",
        "engagements": f"{API}/engagements/",
        "statements": f"{API}/statements/",
        "actors": f"{API}/actors/",
        "counterpart-claims": f"{API}/counterpart-claims/",
        "sticking-points": f"{API}/sticking-points/",
        "sources": f"{API}/sources/",
    }


def test_channel_list_shows_each_channels_current_status(client):
    channels = by(results(client, "/api/channels/"), "slug")
    assert list(channels) == ["us-china-diplomatic", "us-china-leaders", "us-china-military"]
    military = channels["us-china-military"]
    assert military["url"] == f"{API}/channels/us-china-military/"
    assert military["html_url"] == "http://testserver/channels/us-china-military/"
    assert military["name"] == "US–China military-to-military"
    assert military["party_a"] == f"{API}/actors/united-states/"
    assert military["party_b"] == f"{API}/actors/china/"
    assert military["track"] == "military"
    assert military["as_of"] is None
    current = military["current_status"]
    assert current["status"] == "stalled"
    assert current["since"] == {
        "human": "3–16 September 2025",
        "earliest": "2025-09-03",
        "latest": "2025-09-16",
        "precision": "range",
    }
    assert current["trend"] == "unchanged"
    assert current["confidence"] == "medium"
    assert current["explanation"].startswith("The US has proposed a call")
    assert current["url"].startswith(f"{API}/status-changes/")
    assert military["open_sticking_points"] == 2
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    assert military["next_engagement"] == f"{API}/engagements/{call.pk}/"
    assert military["last_contact"] is None

    diplomatic = channels["us-china-diplomatic"]
    assert diplomatic["current_status"]["status"] == "open"
    assert diplomatic["current_status"]["since"]["human"] == "11 July 2025"
    meeting = Engagement.objects.get(title__startswith="Rubio meets")
    assert diplomatic["last_contact"] == f"{API}/engagements/{meeting.pk}/"
    assert channels["us-china-leaders"]["current_status"] is None


def test_channel_detail_links_to_its_records(client):
    military = get(client, "/api/channels/us-china-military/")
    assert military["current_status"]["status"] == "stalled"
    assert military["links"] == {
        "status_history": f"{API}/status-changes/?channel=us-china-military",
        "engagements": f"{API}/engagements/?channel=us-china-military",
        "statements": f"{API}/statements/?channel=us-china-military",
        "sticking_points": f"{API}/sticking-points/?channel=us-china-military",
        "counterpart_claims": f"{API}/counterpart-claims/?channel=us-china-military",
    }
    history = get(client, military["links"]["status_history"])["results"]
    assert [change["status"] for change in history] == ["stalled"]
    assert len(get(client, military["links"]["engagements"])["results"]) == 2
    assert len(get(client, military["links"]["sticking_points"])["results"]) == 2


def test_channel_as_of_shows_the_status_then(client):
    # 1 August 2025: the diplomatic channel had opened (11 July); the military one's stall
    # (3–16 September) was not yet known, nor were its sticking points.
    channels = by(results(client, "/api/channels/", as_of="2025-08-01"), "slug")
    military = channels["us-china-military"]
    assert military["as_of"] == "2025-08-01"
    assert military["current_status"] is None
    assert military["open_sticking_points"] == 0
    assert military["html_url"] == "http://testserver/channels/us-china-military/?as_of=2025-08-01"
    assert military["links"]["status_history"] == (
        f"{API}/status-changes/?channel=us-china-military&as_of=2025-08-01"
    )
    assert channels["us-china-diplomatic"]["current_status"]["status"] == "open"

    later = get(client, "/api/channels/us-china-military/", as_of="2025-09-20")
    assert later["current_status"]["status"] == "stalled"
    assert later["open_sticking_points"] == 2


def test_channel_unknown_slug_is_a_json_404(client):
    response = client.get("/api/channels/no-such-channel/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Channel matches the given query."}


def test_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Status history ----------------------------------------------------------------------------


def test_status_changes_of_a_channel(client):
    (change,) = results(client, "/api/status-changes/", channel="us-china-military")
    assert change["channel"] == f"{API}/channels/us-china-military/"
    assert change["status"] == "stalled"
    assert change["date"]["human"] == "3–16 September 2025"
    assert change["html_url"] == (
        f"http://testserver/channels/us-china-military/#status-change-{change['id']}"
    )
    (citation,) = change["citations"]
    assert citation["outlet"] == REPORT
    assert citation["passage"].startswith("The Pentagon proposed a call")
    assert citation["locator"] == "paras. 1–2"
    assert citation["verbatim"] is False
    report = Source.objects.get(outlet=REPORT)
    assert citation["source"] == f"{API}/sources/{report.pk}/"
    assert get(client, change["url"]) == change


# --- Engagements -------------------------------------------------------------------------------


def test_summit_engagement_with_its_fuzzy_date_and_participants(client):
    engagements = by(results(client, "/api/engagements/"), "title")
    summit = engagements["Anticipated Trump–Xi summit"]
    assert summit["when"] == {
        "human": "late 2024 – early 2025",
        "earliest": "2024-09-01",
        "latest": "2025-04-30",
        "precision": "range",
    }
    assert summit["channel"] == f"{API}/channels/us-china-leaders/"
    assert summit["kind"] == "summit"
    assert summit["state"] == "proposed"
    assert summit["html_url"] == (
        f"http://testserver/channels/us-china-leaders/#engagement-{summit['id']}"
    )
    participants = {p["name"]: p for p in summit["participants"]}
    assert set(participants) == {"Donald Trump", "Xi Jinping"}
    assert participants["Donald Trump"]["actor"] == f"{API}/actors/donald-trump/"
    assert participants["Donald Trump"]["side"] == f"{API}/actors/united-states/"
    assert participants["Xi Jinping"]["side"] == f"{API}/actors/china/"
    assert {p["role"] for p in participants.values()} == {"principal"}
    assert {p["attendance"] for p in participants.values()} == {"tentative"}
    assert participants["Xi Jinping"]["citations"][0]["passage"] == (
        "A summit between Trump and Xi is anticipated."
    )
    # The report dates the summit before itself: the API flags it as the site does.
    assert len(summit["date_warnings"]) == 1
    assert "lies before the report" in summit["date_warnings"][0]
    (step,) = summit["steps"]
    assert step["from_state"] == "" and step["to_state"] == "proposed"
    assert step["date"]["human"] == "3–16 September 2025"


def test_engagement_detail_with_characterisations_and_sticking_points(client):
    engagements = by(results(client, "/api/engagements/"), "title")
    meeting = get(client, engagements["Rubio meets China's Foreign Minister in Malaysia"]["url"])
    assert meeting["state"] == "held"
    assert meeting["when"]["human"] == "11 July 2025"
    assert meeting["location"] == "Kuala Lumpur, Malaysia"
    assert meeting["characterisations"] == [
        {
            "side": f"{API}/actors/united-states/",
            "words": "constructive and pragmatic",
            "citations": [
                {
                    "source": meeting["characterisations"][0]["citations"][0]["source"],
                    "outlet": REPORT,
                    "source_title": (
                        "Pentagon proposes military call with China; Beijing has yet to accept"
                    ),
                    "source_kind": "secondary_report",
                    "passage": "constructive and pragmatic",
                    "verbatim": True,
                    "locator": "para. 4",
                    "claim": "the State Department's description, as the report quotes it",
                    # What the passage passes on, and what the report as a whole names.
                    "relays": "US State Department readouts",
                    "relays_kind": "official_readout",
                    "source_relays": (
                        "Nikkei Asia, citing US officials; State Department readouts"
                    ),
                }
            ],
        }
    ]
    assert {p["name"] for p in meeting["participants"]} == {"Marco Rubio", "Wang Yi"}
    call = engagements["Proposed call between the Pentagon and China's military leadership"]
    assert call["initiator"] == f"{API}/actors/united-states/"
    assert call["when"]["precision"] == "part_of_month"
    assert call["when"]["human"] == "early September 2025"
    assert len(call["sticking_points"]) == 2
    for url in call["sticking_points"]:
        assert get(client, url)["channel"] == f"{API}/channels/us-china-military/"


# --- Statements --------------------------------------------------------------------------------


def test_hegseth_statements_with_interpretations(client):
    statements = by(results(client, "/api/statements/", speaker="pete-hegseth"), "text")
    assert set(statements) == {
        "We will not instigate nor seek to subjugate or humiliate",
        "The threat China poses is real and it could be imminent.",
    }
    threat = statements["The threat China poses is real and it could be imminent."]
    assert threat["speaker"] == f"{API}/actors/pete-hegseth/"
    assert threat["speaker_name"] == "Pete Hegseth"
    assert threat["stance"] == "hostile"
    assert threat["toward"] == f"{API}/actors/china/"
    assert threat["is_verbatim"] is True
    assert threat["said"] == {
        "human": "31 May 2025",
        "earliest": "2025-05-31",
        "latest": "2025-05-31",
        "precision": "day",
    }
    assert threat["venue"] == "Shangri-La Dialogue, Singapore"
    assert threat["channels"] == [f"{API}/channels/us-china-military/"]
    assert threat["html_url"] == (
        f"http://testserver/channels/us-china-military/#statement-{threat['id']}"
    )
    (reading,) = threat["interpretations"]
    assert reading["side"] == f"{API}/actors/china/"
    assert reading["side_name"] == "People's Republic of China"
    assert reading["emphasis"] == "focuses_on"
    assert reading["reading"].startswith("Beijing treats this line as what Hegseth really meant")
    assert reading["citations"][0]["outlet"] == REPORT
    assert (REPORT, threat["text"]) in citation_summaries(threat)
    assert (
        "US Department of Defense",
        "Hegseth's address to the Shangri-La Dialogue in Singapore.",
    ) in citation_summaries(threat)

    softer = statements["We will not instigate nor seek to subjugate or humiliate"]
    assert softer["stance"] == "conciliatory"
    assert [(i["emphasis"], i["side"]) for i in softer["interpretations"]] == [
        ("highlights", f"{API}/actors/united-states/")
    ]
    assert len(softer["sticking_points"]) == 1


# --- Actors ------------------------------------------------------------------------------------


def test_actor_with_offices(client):
    hegseth = get(client, "/api/actors/pete-hegseth/")
    assert hegseth["html_url"] == "http://testserver/actors/pete-hegseth/"
    assert hegseth["kind"] == "person"
    assert hegseth["state"] == f"{API}/actors/united-states/"
    (office,) = hegseth["offices"]
    assert office["office"] == {
        "title": "Secretary of Defense",
        "institution": f"{API}/actors/us-department-of-defense/",
        "institution_name": "US Department of Defense",
    }
    assert office["start"] == {
        "human": "January 2025",
        "earliest": "2025-01-01",
        "latest": "2025-01-31",
        "precision": "month",
    }
    assert office["end"] is None
    assert (
        "US Senate",
        "The Senate confirmed Hegseth as Secretary of Defense; he was sworn in the following day.",
    ) in citation_summaries(office)
    assert hegseth["links"] == {
        "statements": f"{API}/statements/?speaker=pete-hegseth",
        "engagements": f"{API}/engagements/?participant=pete-hegseth",
    }

    zhang = get(client, "/api/actors/zhang-youxia/")
    assert {o["office"]["title"] for o in zhang["offices"]} == {
        "First-ranked Vice Chairman",
        "Member",
    }
    dong = get(client, "/api/actors/dong-jun/")
    assert dong["offices"][0]["office"]["title"] == "Minister of National Defense"
    assert dong["offices"][0]["start"]["human"] == "29 December 2023"


def test_actor_aliases_and_parents(client):
    pentagon = get(client, "/api/actors/us-department-of-defense/")
    assert pentagon["kind"] == "institution"
    assert pentagon["aliases"] == ["DoD", "Pentagon", "Defense Department"]
    assert pentagon["parent"] is None
    attaches = get(client, "/api/actors/us-embassy-beijing-defense-attaches/")
    assert attaches["parent"] == f"{API}/actors/us-embassy-beijing/"
    assert get(client, "/api/actors/china/")["state"] is None


# --- Counterpart claims and sticking points ----------------------------------------------------


def test_counterpart_claims(client):
    claims = by(
        results(client, "/api/counterpart-claims/", channel="us-china-military"), "claimant"
    )
    us = claims[f"{API}/actors/united-states/"]
    assert us["office"]["title"] == "Secretary of Defense"
    assert us["counterpart_office"]["title"] == "First-ranked Vice Chairman"
    assert us["counterpart_office"]["institution"] == (
        f"{API}/actors/china-central-military-commission/"
    )
    assert us["counterpart_person"] == f"{API}/actors/zhang-youxia/"
    assert us["html_url"] == "http://testserver/channels/us-china-military/#counterparts"
    china = claims[f"{API}/actors/china/"]
    assert china["counterpart_office"]["title"] == "Minister of National Defense"
    assert china["counterpart_person"] is None
    assert china["citations"][0]["passage"] == (
        "China traditionally sees its defence minister as Hegseth's natural counterpart."
    )
    assert len(china["sticking_points"]) == 1


def test_sticking_points(client):
    points = by(results(client, "/api/sticking-points/", channel="us-china-military"), "title")
    assert set(points) == {"Hegseth's remarks on China", "Who is Hegseth's counterpart"}
    dispute = points["Who is Hegseth's counterpart"]
    assert dispute["kind"] == "counterpart_dispute"
    assert dispute["state"] == "open"
    assert dispute["raised"]["human"] == "3–16 September 2025"
    assert dispute["resolved"] is None
    assert dispute["statements"] == []
    assert len(dispute["counterpart_claims"]) == 2
    claimants = {get(client, url)["claimant"] for url in dispute["counterpart_claims"]}
    assert claimants == {f"{API}/actors/united-states/", f"{API}/actors/china/"}
    remarks = points["Hegseth's remarks on China"]
    texts = {get(client, url)["text"] for url in remarks["statements"]}
    assert "The threat China poses is real and it could be imminent." in texts
    assert remarks["html_url"] == "http://testserver/channels/us-china-military/#sticking-points"


# --- Sources -----------------------------------------------------------------------------------


def test_sources_with_citations(client):
    sources = by(results(client, "/api/sources/"), "outlet")
    senate = sources["US Senate"]
    assert senate["kind"] == "official_statement"
    assert senate["title"] == "Nomination of Pete Hegseth to be Secretary of Defense: confirmed"
    assert senate["published"]["human"] == "24 January 2025"
    assert senate["citation_count"] == 1
    (citation,) = senate["citations"]
    assert citation["passage"].startswith("The Senate confirmed Hegseth")
    assert citation["claim"] == "start of term"
    assert citation["fact"]["type"] == "officeholding"
    assert citation["fact"]["url"] == f"{API}/actors/pete-hegseth/"

    report = sources[REPORT]
    assert report["citation_count"] == len(report["citations"]) > 20
    types = {c["fact"]["type"] for c in report["citations"]}
    assert {
        "statuschange",
        "engagement",
        "participation",
        "statement",
        "interpretation",
        "counterpartclaim",
        "stickingpoint",
        "officeholding",
    } <= types
    statement = Statement.objects.get(text__startswith="The threat China poses")
    assert {
        "type": "statement",
        "id": statement.pk,
        "url": f"{API}/statements/{statement.pk}/",
    } in [c["fact"] for c in report["citations"]]
    assert report["html_url"].startswith("http://testserver/sources/?q=")
    assert get(client, report["url"])["id"] == report["id"]


# --- Links -------------------------------------------------------------------------------------


def urls_in(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(urls_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(urls_in(v) for v in value)) if value else set()
    if isinstance(value, str) and value.startswith("http://testserver/"):
        return {value}
    return set()


@pytest.mark.parametrize(
    "path",
    [
        "/api/channels/us-china-military/",
        "/api/actors/pete-hegseth/",
        "/api/statements/",
        "/api/engagements/",
        "/api/sticking-points/",
        "/api/counterpart-claims/",
    ],
)
def test_every_link_leads_somewhere(client, path):
    """Every URL in a response — API resources and site pages alike — answers 200."""
    for url in sorted(urls_in(get(client, path))):
        response = client.get(url)
        assert response.status_code == 200, url
