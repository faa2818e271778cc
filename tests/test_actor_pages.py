"""Actor pages: offices held over time, engagements taken part in, statements made, and the
counterpart claims that concern the actor — each with its sources."""

import re

import pytest
from django.urls import reverse

from tests.pages import sources_behind
from tests.test_lists import text_of

pytestmark = pytest.mark.django_db

PROPOSED_CALL = "Proposed call between the Pentagon and China's military leadership"
REPORT = "Online news report (outlet not recorded)"


def actor_page(client, slug: str) -> str:
    response = client.get(reverse("events:actor_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return text_of(match.group(1))


def items(html: str, heading_id: str, *, sources: bool = False) -> list:
    """The section's items' text; with `sources`, each as (text, the text of the sources its
    footnotes link to, with their passages)."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    found = re.findall(r'<article class="item[^"]*">(.*?)</article>', match.group(1), re.S)
    if sources:
        return [(text_of(item), sources_behind(item, html)) for item in found]
    return [text_of(item) for item in found]


# --- Zhang Youxia --------------------------------------------------------------------------------


def test_zhang_youxia_page_shows_who_he_is(client, seeded):
    html = actor_page(client, "zhang-youxia")
    header = text_of(html.split('<section aria-labelledby="offices">')[0])
    assert "Zhang Youxia Person · People's Republic of China" in header
    assert "Also known as: Gen. Zhang Youxia General Zhang Youxia" in header


def test_zhang_youxia_page_shows_his_two_offices_with_sources(client, seeded):
    offices = items(actor_page(client, "zhang-youxia"), "offices", sources=True)
    assert len(offices) == 2
    (cmc, cmc_sources), (politburo, politburo_sources) = offices
    assert cmc.startswith("First-ranked Vice Chairman, Central Military Commission")
    assert "Start not recorded — in office as far as recorded" in cmc
    # The citation relays nothing of its own: the report's own source chain is shown beside it.
    assert (
        f"{REPORT}, Pentagon proposes military call with China; Beijing has yet to accept · "
        "Secondary report · 3–16 September 2025 · relaying Nikkei Asia, citing US officials; "
        "State Department readouts" in cmc_sources
    )
    assert "First-ranked Vice Chairman, Central Military Commission:" in cmc_sources
    assert "— para. 6" in cmc_sources
    assert politburo.startswith(
        "Member, Political Bureau of the Communist Party of China Central Committee"
    )
    assert "Describes Zhang Youxia as a Politburo member." in politburo_sources


def test_zhang_youxia_page_shows_the_call_he_is_sought_for(client, seeded):
    html = actor_page(client, "zhang-youxia")
    engagements = section(html, "engagements")
    assert PROPOSED_CALL in engagements
    assert "early September 2025" in engagements
    assert "Principal for China, sought by the other side" in engagements
    assert "Proposed" in engagements
    assert re.search(r'<a href="/channels/us-china-military/#engagement-\d+">', html)
    assert "No statements recorded." in section(html, "statements")


def test_zhang_youxia_page_shows_the_claim_naming_him_as_counterpart(client, seeded):
    html = actor_page(client, "zhang-youxia")
    claims = items(html, "claims", sources=True)
    assert len(claims) == 1
    ((claim, sources),) = claims
    assert claim.startswith(
        "US holds that the counterpart of the Secretary of Defense (Pentagon) is Zhang Youxia, "
        "the First-ranked Vice Chairman (CMC) — on US–China military-to-military."
    )
    assert "Pentagon officials prefer to engage General Zhang Youxia" in sources
    assert section(html, "claims").startswith("Counterpart claims about Zhang’s offices")


# --- Pete Hegseth --------------------------------------------------------------------------------


def test_hegseth_page_shows_his_office_from_january_2025(client, seeded):
    offices = items(actor_page(client, "pete-hegseth"), "offices", sources=True)
    assert len(offices) == 1
    ((office, sources),) = offices
    assert office.startswith(
        "Secretary of Defense, US Department of Defense From January 2025 — in office as far as "
        "recorded"
    )
    assert "US Senate, Nomination of Pete Hegseth" in sources
    assert "Official statement or profile · 24 January 2025" in sources
    assert "Secretary of Defense, US Department of Defense (start of term):" in sources
    assert "Names Pete Hegseth as Defense Secretary." in sources


def test_hegseth_page_shows_both_statements_with_readings(client, seeded):
    html = actor_page(client, "pete-hegseth")
    statements = items(html, "statements", sources=True)
    assert len(statements) == 2
    joined = " ".join(text for text, _ in statements)
    sources = " ".join(cited for _, cited in statements)
    assert "“The threat China poses is real and it could be imminent.” 31 May 2025, " in joined
    assert "“We will not instigate nor seek to subjugate or humiliate” 31 May 2025, " in joined
    assert "Shangri-La Dialogue, Singapore · Hostile toward China" in joined
    assert "Shangri-La Dialogue, Singapore · Conciliatory toward China" in joined
    assert "What China takes as the real message" in joined
    assert "US highlights: Washington points to this line" in joined
    assert "US Department of Defense, Remarks by Secretary of Defense" in sources
    assert "Official transcript · 31 May 2025" in sources


def test_hegseth_page_shows_the_counterpart_claims_about_his_office(client, seeded):
    with_sources = items(actor_page(client, "pete-hegseth"), "claims", sources=True)
    assert len(with_sources) == 2
    china, us = sorted(text for text, _ in with_sources)
    assert china.startswith(
        "China holds that the counterpart of the Secretary of Defense (Pentagon) is the Minister "
        "of National Defense (China's defense ministry) — on US–China military-to-military."
    )
    assert us.startswith(
        "US holds that the counterpart of the Secretary of Defense (Pentagon) is Zhang Youxia"
    )
    assert all(f"{REPORT}, Pentagon proposes" in sources for _, sources in with_sources)


def test_hegseth_page_shows_the_call_he_would_take(client, seeded):
    engagements = section(actor_page(client, "pete-hegseth"), "engagements")
    assert PROPOSED_CALL in engagements
    assert "Principal for US, considering / tentative" in engagements


def test_counterpart_claim_links_to_the_person_named(client, seeded):
    html = actor_page(client, "pete-hegseth")
    assert '<a href="/actors/zhang-youxia/">Zhang Youxia</a>' in html
    assert '<a href="/channels/us-china-military/#counterparts">' in html


# --- Others --------------------------------------------------------------------------------------


def test_dong_jun_is_the_office_china_names(client, seeded):
    html = actor_page(client, "dong-jun")
    (office,) = items(html, "offices")
    assert office.startswith(
        "Minister of National Defense, Ministry of National Defense of the People's Republic of "
        "China From 29 December 2023"
    )
    claims = items(html, "claims")
    assert len(claims) == 1 and claims[0].startswith("China holds that the counterpart")
    assert "No engagements recorded." in section(html, "engagements")


def test_institution_page_shows_claims_about_its_offices(client, seeded):
    html = actor_page(client, "us-department-of-defense")
    assert "No offices recorded." in section(html, "offices")
    assert len(items(html, "claims")) == 2


def test_state_page_has_no_offices_or_claims(client, seeded):
    html = actor_page(client, "united-states")
    assert "No offices recorded." in section(html, "offices")
    assert "No counterpart claims concern this actor." in section(html, "claims")


def test_actor_list_links_to_actor_pages(client, seeded):
    html = client.get(reverse("events:actor_list")).content.decode()
    assert '<a href="/actors/zhang-youxia/">Zhang Youxia</a>' in html


def test_unknown_actor_is_404(client, seeded):
    assert client.get(reverse("events:actor_detail", args=["nobody"])).status_code == 404
