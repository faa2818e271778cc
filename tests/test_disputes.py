"""Disputes that end, and attendance as it happened.

The seed's counterpart dispute (China offers its defence minister as Hegseth's counterpart, the
Pentagon wants General Zhang Youxia) is settled by a later report: the call was held with the
minister China proposed. The boards must show the dispute while it lasted and the settlement as
history after it, agree with the counterpart sticking point on every day, and list only those who
took part as a held call's participants.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import services
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Citation,
    CounterpartClaim,
    Engagement,
    Participation,
    Source,
    StickingPoint,
)
from events.models.obstacles import CLAIM_ENDING_CITATION
from tests.factories import PersonFactory, SourceFactory, cite
from tests.pages import sources_behind
from tests.test_admin import change_url, refused, shows, submit

pytestmark = pytest.mark.django_db

MILITARY = reverse("events:channel_detail", args=["us-china-military"])
SETTLED_NOTE = "the call was held with the minister China proposed"
DISPUTE_TITLE = "Who is Hegseth's counterpart"
DISPUTE_HTML = "Who is Hegseth&#x27;s counterpart"  # as the page escapes it


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The HTML of the page section headed by `heading_id`."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def claim_of(side: str) -> CounterpartClaim:
    return CounterpartClaim.objects.get(channel__slug="us-china-military", claimant__slug=side)


def follow_up_report() -> Source:
    return SourceFactory(
        outlet="Wire agency",
        title="Hegseth holds video call with China's defence minister",
        published_earliest=date(2025, 9, 20),
        published_latest=date(2025, 9, 20),
        published_precision="day",
    )


def passage(source: Source, text: str = f"Officials said {SETTLED_NOTE}.") -> list:
    return [services.CitationInput(source=source, passage=text)]


def settle_the_dispute() -> Source:
    """Both claims settled on 20 September 2025, then the sticking point resolved that day."""
    source = follow_up_report()
    for side in ("united-states", "china"):
        services.counterpart_claim_end(
            claim=claim_of(side),
            outcome="settled",
            ended=FuzzyDate.day(date(2025, 9, 20)),
            note=SETTLED_NOTE,
            citations=passage(source),
        )
    point = StickingPoint.objects.get(title=DISPUTE_TITLE)
    point.state = "resolved"
    point.resolved = FuzzyDate.day(date(2025, 9, 20))
    services.record_save(record=point)
    return source


# --- The board as of a day ----------------------------------------------------------------------


def test_board_on_1_september_shows_neither_a_dispute_nor_a_sticking_point(client, seeded):
    # The report behind both claims and the sticking point is dated 3–16 September.
    html = page(client, f"{MILITARY}?as_of=2025-09-01")
    assert "Disputed" not in html
    folded = re.search(r'<p class="not-recorded">(.*?)</p>', html, re.S).group(1)
    assert "counterpart claims" in folded and "sticking points" in folded
    assert 'id="counterparts">Counterparts' not in html and "Sticking points</h2>" not in html


def test_board_while_the_dispute_lasts_shows_it_beside_its_open_sticking_point(client, seeded):
    settle_the_dispute()
    html = page(client, f"{MILITARY}?as_of=2025-09-17")
    counterparts = section(html, "counterparts")
    assert "Disputed" in counterparts
    # The ending is not known yet: neither the note nor the passage that reports it shows.
    assert SETTLED_NOTE not in counterparts
    assert "Earlier claims" not in counterparts
    sticking_points = section(html, "sticking-points")
    assert DISPUTE_HTML in sticking_points
    assert "No open sticking points." not in sticking_points


def test_board_after_the_settlement_shows_it_as_history_beside_the_resolved_point(client, seeded):
    source = settle_the_dispute()
    for url in (f"{MILITARY}?as_of=2025-09-21", MILITARY):
        html = page(client, url)
        counterparts = section(html, "counterparts")
        assert "Disputed" not in counterparts
        assert "No standing claims" in counterparts
        assert f"Settled 20 September 2025</strong>: {SETTLED_NOTE}" in counterparts
        assert source.outlet in sources_behind(section(html, "counterparts"), html)
        sticking_points = section(html, "sticking-points")
        resolved = sticking_points.split("<h3>Resolved</h3>", 1)[1]
        assert DISPUTE_HTML in resolved
        assert "(settled 20 September 2025)" in resolved


def test_board_on_the_settlement_day_agrees_with_the_sticking_point(client, seeded):
    settle_the_dispute()
    html = page(client, f"{MILITARY}?as_of=2025-09-20")
    assert "Disputed" not in html
    assert DISPUTE_HTML in section(html, "sticking-points").split("<h3>Resolved</h3>", 1)[1]


def test_a_live_dispute_without_an_open_sticking_point_is_not_called_no_obstacle(client, seeded):
    # The claims count from their report (3 September); the sticking point is dated later.
    StickingPoint.objects.filter(title=DISPUTE_TITLE).update(
        raised_earliest=date(2025, 9, 25), raised_latest=date(2025, 9, 25), raised_precision="day"
    )
    StickingPoint.objects.filter(title="Hegseth's remarks on China").delete()
    html = page(client, f"{MILITARY}?as_of=2025-09-17")
    assert "Disputed" in section(html, "counterparts")
    sticking_points = section(html, "sticking-points")
    assert "No open sticking points." not in sticking_points
    assert "is disputed" in sticking_points


def test_a_stated_date_moves_the_claim_to_that_day(client, seeded):
    claim = claim_of("china")
    claim.stated = FuzzyDate.day(date(2025, 8, 1))
    services.record_save(record=claim)
    counterparts = section(page(client, f"{MILITARY}?as_of=2025-08-15"), "counterparts")
    assert "China’s view:" in counterparts
    assert "United States’s view:" not in counterparts and "US’s view:" not in counterparts


def test_actor_page_shows_the_settled_claims_as_history(client, seeded):
    settle_the_dispute()
    html = page(client, reverse("events:actor_detail", args=["pete-hegseth"]))
    assert "holds that the counterpart" not in html
    assert "held that the counterpart" in html
    assert f"Settled 20 September 2025</strong>: {SETTLED_NOTE}" in html


# --- The services' rules ------------------------------------------------------------------------


def test_ending_a_claim_without_a_source_is_refused(seeded):
    with pytest.raises(ValidationError) as caught:
        services.counterpart_claim_end(
            claim=claim_of("china"),
            outcome="settled",
            ended=FuzzyDate.day(date(2025, 9, 20)),
            note=SETTLED_NOTE,
            citations=[],
        )
    assert "source" in caught.value.message_dict
    assert claim_of("china").outcome == "standing"


def test_ending_a_claim_before_it_was_stated_is_refused(seeded):
    claim = claim_of("china")
    claim.stated = FuzzyDate.day(date(2025, 9, 15))
    services.record_save(record=claim)
    with pytest.raises(ValidationError) as caught:
        services.counterpart_claim_end(
            claim=claim,
            outcome="settled",
            ended=FuzzyDate.parse("early Sept 2025"),
            note=SETTLED_NOTE,
            citations=passage(follow_up_report()),
        )
    assert caught.value.message_dict["ended"] == [
        "It cannot end (early September 2025) before it was stated (15 September 2025)."
    ]
    assert claim_of("china").outcome == "standing"
    assert not Citation.objects.filter(claim=CLAIM_ENDING_CITATION).exists()


def test_ending_a_claim_twice_is_refused(seeded):
    source = follow_up_report()
    claim = claim_of("china")
    ended = FuzzyDate.day(date(2025, 9, 20))
    services.counterpart_claim_end(
        claim=claim, outcome="settled", ended=ended, note="", citations=passage(source)
    )
    with pytest.raises(ValidationError) as caught:
        services.counterpart_claim_end(
            claim=claim, outcome="superseded", ended=ended, note="", citations=passage(source)
        )
    assert "already settled" in caught.value.message_dict["outcome"][0]


def test_a_standing_claim_with_an_end_date_is_refused(seeded):
    claim = claim_of("china")
    claim.ended = FuzzyDate.day(date(2025, 9, 20))
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=claim)
    assert "A standing claim has no end date" in caught.value.message_dict["ended"][0]


def test_ending_a_claim_through_a_plain_save_needs_the_passage(seeded):
    claim = claim_of("china")
    claim.outcome = "settled"
    claim.ended = FuzzyDate.day(date(2025, 9, 20))
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=claim)
    assert "Cite the passage" in caught.value.message_dict["ending_passage"][0]


def test_a_second_standing_claim_for_one_side_is_refused_on_the_field(seeded):
    first = claim_of("china")
    second = CounterpartClaim(
        channel=first.channel,
        office=first.office,
        claimant=first.claimant,
        counterpart_person=Actor.objects.get(slug="zhang-youxia"),
    )
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=second, citations=passage(follow_up_report()))
    assert "already has a standing claim" in caught.value.message_dict["outcome"][0]
    assert CounterpartClaim.objects.filter(claimant=first.claimant).count() == 1


def test_superseding_records_the_sides_new_claim_in_the_same_step(client, seeded):
    old = claim_of("united-states")
    new = services.counterpart_claim_end(
        claim=old,
        outcome="superseded",
        ended=FuzzyDate.day(date(2025, 9, 20)),
        note="The Pentagon accepted the defence minister as Hegseth's counterpart.",
        citations=passage(follow_up_report()),
        new_claim=CounterpartClaim(counterpart_office=claim_of("china").counterpart_office),
    )
    old.refresh_from_db()
    assert (old.outcome, str(old.ended)) == ("superseded", "20 September 2025")
    assert (new.outcome, str(new.stated), new.claimant.slug) == (
        "standing",
        "20 September 2025",
        "united-states",
    )
    assert new.citations.count() == 1
    counterparts = section(page(client, f"{MILITARY}?as_of=2025-09-21"), "counterparts")
    assert "Agreed" in counterparts and "Disputed" not in counterparts
    assert "Superseded 20 September 2025" in counterparts
    assert "Disputed" in section(page(client, f"{MILITARY}?as_of=2025-09-19"), "counterparts")


def test_resolving_a_counterpart_dispute_while_its_claims_stand_is_refused(seeded):
    point = StickingPoint.objects.get(title=DISPUTE_TITLE)
    point.state = "resolved"
    point.resolved = FuzzyDate.day(date(2025, 9, 20))
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=point)
    message = caught.value.message_dict["resolved"][0]
    assert "must end by 20 September 2025" in message
    assert "China on the" in message and "standing" in message
    point.refresh_from_db()
    assert point.state == "open"


def test_a_claim_named_by_a_resolved_dispute_cannot_stand_again(seeded):
    settle_the_dispute()
    claim = claim_of("china")
    claim.outcome, claim.ended = "standing", None
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=claim)
    assert "resolved 20 September 2025, names this claim" in caught.value.message_dict["outcome"][0]


# --- The admin ----------------------------------------------------------------------------------


def test_admin_claim_form_asks_for_the_end_date(seeded, admin_client):
    response = submit(admin_client, change_url(claim_of("china")), outcome="settled")
    assert refused(response)
    assert shows(response, "Give the date the claim was settled (it may be fuzzy).")


def test_admin_claim_form_asks_for_the_passage_that_says_how_it_ended(seeded, admin_client):
    response = submit(
        admin_client, change_url(claim_of("china")), outcome="settled", ended="20 Sept 2025"
    )
    assert refused(response)
    assert shows(response, "Cite the passage that says how the claim ended")
    assert claim_of("china").outcome == "standing"


def test_admin_claim_form_refuses_an_end_before_the_claim(seeded, admin_client):
    response = submit(
        admin_client,
        change_url(claim_of("china")),
        stated="15 Sept 2025",
        outcome="settled",
        ended="early Sept 2025",
    )
    assert refused(response)
    assert shows(
        response, "It cannot end (early September 2025) before it was stated (15 September 2025)."
    )


def test_admin_claim_form_settles_a_claim_with_its_source(seeded, admin_client):
    source = follow_up_report()
    response = submit(
        admin_client,
        change_url(claim_of("china")),
        outcome="settled",
        ended="20 Sept 2025",
        outcome_note=SETTLED_NOTE,
        ending_source=source.pk,
        ending_passage="The call was held with Defence Minister Dong Jun.",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = claim_of("china")
    assert (claim.outcome, str(claim.ended), claim.outcome_note) == (
        "settled",
        "20 September 2025",
        SETTLED_NOTE,
    )
    ending = claim.citations.get(claim=CLAIM_ENDING_CITATION)
    assert (ending.source, ending.passage) == (
        source,
        "The call was held with Defence Minister Dong Jun.",
    )


def test_admin_refuses_resolving_the_dispute_while_its_claims_stand(seeded, admin_client):
    point = StickingPoint.objects.get(title=DISPUTE_TITLE)
    response = submit(admin_client, change_url(point), state="resolved", resolved="20 Sept 2025")
    assert refused(response)
    assert shows(response, "The counterpart claims it names must end by 20 September 2025")


def test_admin_participation_row_edits_attendance_and_replacement(seeded, admin_client):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    html = page(admin_client, change_url(call))
    assert 'name="participations-__prefix__-replaced_by"' in html
    assert '<option value="absent">Did not take part</option>' in html


# --- Attendance -----------------------------------------------------------------------------------


def attended_call():
    """The proposed defence call as it happened: Zhang Youxia, whom the Pentagon sought, did
    not take part; Dong Jun did; a deputy joined remotely."""
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    china = Actor.objects.get(slug="china")
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    zhang.attendance = "absent"
    services.record_save(record=zhang)
    deputy = PersonFactory(name="Deputy Minister Example", state=china)
    rows = [
        Participation(
            engagement=call, actor=Actor.objects.get(slug="dong-jun"), side=china, role="principal"
        ),
        Participation(
            engagement=call, actor=deputy, side=china, role="delegation", attendance="remote"
        ),
    ]
    for row in rows:
        services.record_save(record=row)
        cite(row)
    held = FuzzyDate.day(date(2025, 9, 20))
    services.engagement_transition(
        engagement=call,
        to_state="held",
        date=held,
        when=held,
        citations=passage(
            SourceFactory(
                outlet="Wire agency",
                title="Defence chiefs' call held by video",
                published_earliest=date(2025, 9, 21),
                published_latest=date(2025, 9, 21),
                published_precision="day",
            ),
            "The call was held by video on 20 September.",
        ),
    )
    return call


def engagement_html(client, call: Engagement, url: str = MILITARY) -> str:
    html = page(client, url)
    return re.search(rf'id="engagement-{call.pk}">(.*?)</article>', html, re.S).group(1)


def test_before_the_call_was_held_the_page_shows_what_was_planned(client, seeded):
    call = attended_call()
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    assert (zhang.attendance, zhang.planned_attendance) == ("absent", "sought")

    before = engagement_html(client, call, f"{MILITARY}?as_of=2025-09-17")
    assert "Named but not taking part" not in before
    assert "did not take part" not in before
    assert re.search(r"Zhang Youxia.*?sought by the other side", before, re.S)
    # The deputy's attendance is known only as how the call went.
    assert "joined remotely" not in before

    after = engagement_html(client, call, f"{MILITARY}?as_of=2025-09-21")
    assert "did not take part" in after.split("Named but not taking part", 1)[1]
    assert "joined remotely" in after


def test_a_plan_is_kept_only_when_an_outcome_replaces_it(seeded):
    call = attended_call()
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    zhang.attendance = "replaced"
    zhang.replaced_by = Actor.objects.get(slug="dong-jun")
    services.record_save(record=zhang)
    zhang.refresh_from_db()
    assert zhang.planned_attendance == "sought"  # one outcome for another keeps the plan
    zhang.attendance, zhang.replaced_by = "tentative", None
    services.record_save(record=zhang)
    zhang.refresh_from_db()
    assert zhang.planned_attendance == ""


def test_held_call_lists_only_those_who_took_part(client, seeded):
    call = attended_call()
    html = page(client, MILITARY)
    article = re.search(rf'id="engagement-{call.pk}">(.*?)</article>', html, re.S).group(1)
    taking_part, not_taking_part = article.split("Named but not taking part", 1)
    assert "Dong Jun" in taking_part and "Zhang Youxia" not in taking_part
    assert "joined remotely" in taking_part
    assert "Zhang Youxia" in not_taking_part and "did not take part" in not_taking_part


def test_replaced_participant_is_shown_with_who_went_instead(client, seeded):
    call = attended_call()
    stand_in = PersonFactory(name="General Stand-in", state=Actor.objects.get(slug="china"))
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    zhang.attendance, zhang.replaced_by = "replaced", stand_in
    services.record_save(record=zhang)
    html = page(client, MILITARY)
    article = re.search(rf'id="engagement-{call.pk}">(.*?)</article>', html, re.S).group(1)
    not_taking_part = article.split("Named but not taking part", 1)[1]
    assert "Zhang Youxia" in not_taking_part
    assert "replaced by General Stand-in" in not_taking_part


def test_replacement_rules_are_refused_on_the_field(seeded):
    call = attended_call()
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    zhang.attendance = "replaced"
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=zhang)
    assert caught.value.message_dict["replaced_by"] == ["Name who took their place."]
    zhang.replaced_by = Actor.objects.get(slug="pete-hegseth")
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=zhang)
    assert "is not on the China side" in caught.value.message_dict["replaced_by"][0]
    zhang.attendance = "confirmed"
    with pytest.raises(ValidationError) as caught:
        services.record_save(record=zhang)
    assert "only when attendance is" in caught.value.message_dict["replaced_by"][0]


# --- API and exports ------------------------------------------------------------------------------


def test_api_carries_claim_outcomes_and_replacements(client, seeded):
    settle_the_dispute()
    call = attended_call()
    stand_in = PersonFactory(name="General Stand-in", slug="general-stand-in")
    zhang = Participation.objects.get(engagement=call, actor__slug="zhang-youxia")
    Participation.objects.filter(pk=zhang.pk).update(attendance="replaced", replaced_by=stand_in)

    claim = client.get(f"/api/counterpart-claims/{claim_of('china').pk}/").json()
    assert claim["outcome"] == "settled"
    assert claim["ended"] == {
        "human": "20 September 2025",
        "earliest": "2025-09-20",
        "latest": "2025-09-20",
        "precision": "day",
    }
    assert claim["outcome_note"] == SETTLED_NOTE
    assert claim["stated"] is None
    settled = client.get("/api/counterpart-claims/?outcome=settled").json()["results"]
    assert len(settled) == 2

    engagement = client.get(f"/api/engagements/{call.pk}/").json()
    by_name = {p["name"]: p for p in engagement["participants"]}
    assert by_name["Zhang Youxia"]["attendance"] == "replaced"
    assert by_name["Zhang Youxia"]["replaced_by"].endswith("/api/actors/general-stand-in/")
    assert by_name["Dong Jun"]["replaced_by"] is None


def test_engagement_export_names_the_replacement(client, seeded):
    call = attended_call()
    stand_in = PersonFactory(name="General Stand-in")
    Participation.objects.filter(engagement=call, actor__slug="zhang-youxia").update(
        attendance="replaced", replaced_by=stand_in
    )
    response = client.get(reverse("events:engagement_list"), {"format": "csv"})
    csv = b"".join(response.streaming_content).decode()
    assert "Replaced by General Stand-in" in csv


# --- Seed files -----------------------------------------------------------------------------------


def test_seed_loader_reads_claim_outcomes_and_replacements(seeded):
    from events.models import Office
    from events.offline.seeding import SeedLoader

    loader = SeedLoader()
    loader.sources["follow-up"] = follow_up_report()
    loader.offices["us-secdef"] = Office.objects.get(title="Secretary of Defense")
    loader.offices["china-defense-minister"] = Office.objects.get(
        title="Minister of National Defense"
    )
    claim_of("china").delete()  # the seed's own claim, so the file's can stand in for it
    loader.load(
        {
            "counterpart_claims": [
                {
                    "key": "china-view",
                    "channel": "us-china-military",
                    "office": "us-secdef",
                    "claimant": "china",
                    "counterpart_office": "china-defense-minister",
                    "stated": "August 2025",
                    "outcome": "settled",
                    "ended": "20 September 2025",
                    "outcome_note": SETTLED_NOTE,
                    "citations": [{"source": "follow-up", "passage": "China proposed Dong Jun."}],
                    "ended_citations": [{"source": "follow-up", "passage": "The call was held."}],
                }
            ],
        }
    )
    claim = claim_of("china")
    assert (claim.outcome, str(claim.stated), str(claim.ended), claim.outcome_note) == (
        "settled",
        "August 2025",
        "20 September 2025",
        SETTLED_NOTE,
    )
    assert claim.citations.get(claim=CLAIM_ENDING_CITATION).passage == "The call was held."

    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    loader.engagements["call"] = call
    loader.load(
        {
            "participations": [
                {
                    "engagement": "call",
                    "actor": "dong-jun",
                    "side": "china",
                    "role": "principal",
                    "attendance": "replaced",
                    "replaced_by": "zhang-youxia",
                }
            ]
        }
    )
    dong = Participation.objects.get(engagement=call, actor__slug="dong-jun")
    assert (dong.attendance, dong.replaced_by.slug) == ("replaced", "zhang-youxia")
