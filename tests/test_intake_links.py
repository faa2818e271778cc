"""Intake: offices qualified by a country and office aliases, channels from evidence and from the
speaker, and updates to what is recorded (lifecycle steps, channel statuses, counterpart
disputes). Every example sentence is written for these tests; the records are the seed's."""

from datetime import date

import pytest

from events.intake import Suggestion, analyse
from events.models import Actor, Channel, CounterpartClaim, Engagement, Office, StickingPoint
from tests.factories import ChannelFactory, StateFactory

SEPT = date(2025, 9, 12)


def of_kind(suggestions: list[Suggestion], kind: str) -> list[Suggestion]:
    return [s for s in suggestions if s.kind == kind]


def offices(text: str, published: date = SEPT) -> dict[str, dict]:
    return {s.text: s.value for s in of_kind(analyse(text, published=published), "office")}


def office_pk(title: str) -> int:
    return Office.objects.get(title=title).pk


def channel_pk(slug: str) -> int:
    return Channel.objects.get(slug=slug).pk


def engagement(title_start: str) -> Engagement:
    return Engagement.objects.get(title__startswith=title_start)


def updates(text: str, published: date = SEPT) -> list[Suggestion]:
    return of_kind(analyse(text, published=published), "update")


# --- Offices -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Philippine Defence Secretary Ramon Cruz met reporters in Manila.",
        "Japan's defence minister spoke to reporters in Tokyo.",
        "The Australian Defence Minister arrived in Canberra.",
        "Officials said the Defence Minister of Japan would travel next week.",
        "The Deputy Secretary of Defense arrived in Hanoi.",
        "The Pentagon chief spokesman declined to comment.",
    ],
)
def test_another_countrys_title_or_a_subordinates_matches_no_office(seeded, text):
    assert offices(text) == {}


def test_a_country_qualifier_picks_that_states_office(seeded):
    found = offices(
        "China's defence chief said little. The US defense chief said more. "
        "Later the Chinese foreign minister called."
    )
    assert found["defence chief"]["office_id"] == office_pk("Minister of National Defense")
    assert found["defense chief"]["office_id"] == office_pk("Secretary of Defense")
    assert found["foreign minister"]["office_id"] == office_pk("Minister of Foreign Affairs")
    assert "ambiguous_with" not in found["defence chief"]


def test_its_refers_to_the_state_named_before_in_the_sentence(seeded):
    # China's own minister, whom the text calls by the US title: China's office of that kind.
    found = offices("China sees its Defense Secretary as the equal of Hegseth.")
    assert found["Defense Secretary"]["office_id"] == office_pk("Minister of National Defense")


def test_a_title_followed_by_its_holders_name_is_that_persons_office(seeded):
    found = offices("Defense Secretary Dong Jun met Foreign Minister Wang Yi.")
    assert found["Defense Secretary"]["title"] == "Minister of National Defense"
    assert found["Foreign Minister"]["title"] == "Minister of Foreign Affairs"
    # A holder of no office of that kind: no office at all.
    assert offices("Defense Secretary Marco Rubio spoke.") == {}


def test_office_aliases_with_their_word_orders(seeded):
    secdef = office_pk("Secretary of Defense")
    found = offices(
        "Hegseth, the Secretary of War, spoke first. The War Secretary then left. "
        "Reporters waited for the Pentagon chief."
    )
    assert {found[t]["office_id"] for t in ("Secretary of War", "War Secretary")} == {secdef}
    assert found["Pentagon chief"]["office_id"] == secdef


def test_a_shared_alias_goes_to_the_country_that_qualifies_it(seeded):
    text = "Rubio, America's top diplomat, greeted Wang, China's top diplomat."
    found = of_kind(analyse(text, published=SEPT), "office")
    assert [(s.text, s.value["title"]) for s in found] == [
        ("top diplomat", "Secretary of State"),
        ("top diplomat", "Minister of Foreign Affairs"),
    ]


def test_an_unqualified_shared_alias_goes_to_the_state_most_named_around_it(seeded):
    found = offices("Dong Jun spoke for Beijing and the Chinese side. The defence chief said more.")
    assert found["defence chief"]["office_id"] == office_pk("Minister of National Defense")


def test_an_unqualified_shared_alias_with_no_context_stays_ambiguous(seeded):
    (value,) = offices("The defence chief said it went well.").values()
    others = {value["office_id"], *value["ambiguous_with"]}
    assert others == {office_pk("Minister of National Defense"), office_pk("Secretary of Defense")}


def test_a_title_head_before_its_holders_name(seeded):
    found = offices("President Donald Trump spoke with Chinese President Xi Jinping.")
    assert found["President"]["title"] == "President of the United States"
    assert found["Chinese President"]["title"] == "President of the People's Republic of China"


# --- Channels ------------------------------------------------------------------------------------


def channels(text: str, published: date = SEPT) -> dict[str, dict]:
    return {
        s.value["slug"]: s.value for s in of_kind(analyse(text, published=published), "channel")
    }


def test_a_single_word_is_no_evidence_for_a_channel(seeded):
    found = channels(
        "Hegseth held a call with Chinese defence officials on Monday. "
        "The diplomatic fallout was limited. Trump's second term began in January."
    )
    assert set(found) == {"us-china-military"}
    assert "Hegseth (Secretary of Defense) with “call”" in found["us-china-military"]["evidence"]
    assert found["us-china-military"]["reason"].startswith("US and China are both named;")


def test_leaders_channel_needs_a_leader_in_an_engagement(seeded):
    found = channels("Trump and Xi will meet at a summit in Busan, Chinese officials said.")
    assert "us-china-leaders" in found
    assert (
        "Trump (President of the United States) with “meet”"
        in (found["us-china-leaders"]["evidence"])
    )


def test_a_defence_ministry_of_either_party_is_evidence(seeded):
    found = channels("China's defense ministry criticised the United States.")
    assert set(found) == {"us-china-military"}


def test_statement_channel_follows_the_speakers_track(seeded):
    text = (
        "Pentagon officials held military talks with China on Monday. "
        "“We are ready to keep talking,” Hegseth said. "
        "“Diplomacy matters as well,” said Rubio. "
        "“China will defend its interests,” Beijing said."
    )
    statements = {
        s.value["speaker"]: s.value for s in of_kind(analyse(text, published=SEPT), "statement")
    }
    assert statements["Pete Hegseth"]["channel_id"] == channel_pk("us-china-military")
    # Not among the article's channels, but recorded between the speaker's state and China.
    assert statements["Marco Rubio"]["channel_id"] == channel_pk("us-china-diplomatic")
    assert "channel_id" not in statements["People's Republic of China"]  # a state: no track


def test_a_surname_joined_to_another_given_name_is_another_person(seeded):
    found = analyse(
        "Senior Captain Wang Xuemeng, a navy spokesman, said the drills were lawful. "
        "Dong told Hegseth China wanted stability. Wang Yi did not comment.",
        published=SEPT,
    )
    named = {(s.text, s.value.get("slug")) for s in of_kind(found, "actor")}
    assert ("Wang", "wang-yi") not in named  # "Wang Xuemeng" is someone else
    assert ("Wang Yi", "wang-yi") in named
    assert ("Hegseth", "pete-hegseth") in named  # a state's name after a surname
    assert ("Dong", "dong-jun") in named


def test_a_phrase_naming_one_side_goes_to_the_pair_the_article_is_about(seeded):
    philippines = StateFactory(name="Republic of the Philippines", short_name="Philippines")
    ChannelFactory(
        party_a=Actor.objects.get(slug="united-states"), party_b=philippines, track="military"
    )
    text = (
        "China's foreign ministry spokesman was asked about China and the Philippines once. "
        "China said China wanted calm, and China repeated it. "
        "Asked about plans for further military talks with the United States, she said "
        "communication between the two defence chiefs served both countries."
    )
    assert set(channels(text)) == {"us-china-military"}
    # With the Philippines named as often as China, "military talks" has no side to go to.
    balanced = text.replace("China said China wanted calm, and China repeated it. ", "")
    balanced += " The Philippines and the Philippines' navy said nothing."
    assert "us-china-military" not in channels(balanced)


# --- Updates: lifecycle steps --------------------------------------------------------------------


def test_a_proposed_call_reported_held_is_offered_as_that_step(seeded):
    call = engagement("Proposed call between the Pentagon")
    text = (
        "WASHINGTON, 12 September 2025 — The call Hegseth had sought with China took place on "
        "9 September, the Pentagon said."
    )
    (update,) = updates(text)
    assert update.key == f"engagement:{call.pk}:held"
    assert update.value["update"] == "lifecycle"
    assert (update.value["engagement_id"], update.value["to_state"]) == (call.pk, "held")
    assert update.value["date"] == {
        "human": "9 September 2025",
        "earliest": "2025-09-09",
        "latest": "2025-09-09",
        "precision": "day",
    }
    assert update.text.startswith("The call Hegseth had sought")
    assert "proposed → held" in update.value["reason"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The call Hegseth proposed to China has not been held.",
        "Hegseth will hold a call with Chinese officials on 20 September.",
        "Hegseth hopes the call with China could be held soon.",
        "Hegseth met reporters in Washington on 9 September; China was not mentioned.",
    ],
)
def test_no_step_when_the_sentence_does_not_report_one(seeded, sentence):
    assert updates(sentence) == []


def test_no_step_far_from_when_it_was_expected(seeded):
    # The call was expected in early September 2025; a call held in March 2026 is another.
    text = "Hegseth held a call with Chinese officials on 3 March, the Pentagon said."
    assert updates(text, published=date(2026, 3, 10)) == []


def test_a_scheduled_forum_postponed_and_one_suggestion_per_step(seeded):
    forum = engagement("Beijing Xiangshan Forum")
    text = (
        "The Xiangshan Forum was postponed on 5 September, Chinese organisers said. "
        "US defense attachés had planned to attend. The forum was postponed, Beijing confirmed."
    )
    (update,) = updates(text)
    assert update.key == f"engagement:{forum.pk}:postponed"
    assert update.value["date"]["earliest"] == "2025-09-05"  # the dated sentence wins


def test_a_held_engagement_is_offered_no_step(seeded):
    # The Rubio meeting is recorded as held: nothing more can happen to it.
    text = "Rubio met China's foreign minister Wang Yi in Kuala Lumpur on 11 July."
    assert updates(text, published=date(2025, 7, 12)) == []


# --- Updates: channel status ---------------------------------------------------------------------


def test_military_talks_resumed_opens_the_stalled_channel(seeded):
    text = "Military talks between the US and China resumed on 4 November, officials said."
    (update,) = updates(text, published=date(2025, 11, 10))
    military = channel_pk("us-china-military")
    assert update.key == f"channel:{military}:open"
    assert update.value["update"] == "status"
    assert (update.value["status"], update.value["from_status"]) == ("open", "stalled")
    assert update.value["date"]["earliest"] == "2025-11-04"


def test_diplomatic_contacts_suspended_freeze_the_diplomatic_channel(seeded):
    text = "China suspended diplomatic contacts with the United States on 2 October."
    (update,) = updates(text, published=date(2025, 10, 3))
    assert update.key == f"channel:{channel_pk('us-china-diplomatic')}:frozen"


@pytest.mark.parametrize(
    "sentence",
    [
        "The stalled military channel between the US and China worries analysts.",
        "Military talks between the US and China stalled again.",  # already stalled
        "Military talks between the US and China could resume next month.",
        "China suspended imports of US beef on 2 October.",  # no channel
    ],
)
def test_no_status_change_unless_the_report_says_it_changed(seeded, sentence):
    assert updates(sentence, published=date(2025, 10, 3)) == []


# --- Updates: counterpart disputes ---------------------------------------------------------------


def dispute() -> tuple[StickingPoint, CounterpartClaim, CounterpartClaim]:
    point = StickingPoint.objects.get(kind="counterpart_dispute")
    china = point.counterpart_claims.get(claimant__slug="china")
    us = point.counterpart_claims.get(claimant__slug="united-states")
    return point, china, us


def test_a_call_held_with_the_counterpart_one_side_put_forward_settles_the_dispute(seeded):
    point, china, us = dispute()
    text = (
        "The United States had wanted General Zhang Youxia, but the call was held with the "
        "minister Beijing had put forward as Hegseth's counterpart."
    )
    settled = [u for u in updates(text) if u.value["update"] == "dispute"]
    (update,) = settled
    assert update.key == f"sticking_point:{point.pk}:resolved"
    assert update.value["sticking_point_id"] == point.pk
    assert sorted(update.value["claim_ids"]) == sorted([china.pk, us.pk])
    assert update.value["settled_claim_id"] == china.pk
    assert update.value["superseded_claim_ids"] == [us.pk]


def test_agreeing_on_a_named_counterpart_settles_that_sides_claim(seeded):
    _, _, us = dispute()
    text = "China agreed on 20 September that Zhang Youxia would be Hegseth's counterpart."
    (update,) = updates(text, published=date(2025, 9, 22))
    assert update.value["settled_claim_id"] == us.pk
    assert update.value["date"]["earliest"] == "2025-09-20"


@pytest.mark.parametrize(
    "sentence",
    [
        "Washington has not accepted Beijing's choice of counterpart for Hegseth.",
        "Hegseth spoke with Dong Jun on 9 September.",  # who is whose counterpart is not said
        "China insists its defence minister is Hegseth's counterpart.",
    ],
)
def test_no_settlement_unless_the_sides_settle_it(seeded, sentence):
    assert [u for u in updates(sentence) if u.value["update"] == "dispute"] == []


def test_updates_come_first(seeded):
    text = "Military talks between the US and China resumed on 4 November, officials said."
    found = analyse(text, published=date(2025, 11, 10))
    assert found[0].kind == "update"
    assert Actor.objects.filter(slug="china").exists()


# --- Updates: how reports say it -----------------------------------------------------------------


def test_an_engagement_named_with_its_past_date_was_held(seeded):
    call = engagement("Proposed call between the Pentagon")
    text = (
        "Since the call between Hegseth and Admiral Dong Jun on 9 September, contacts have grown."
    )
    (update,) = updates(text, published=date(2025, 10, 1))
    assert update.key == f"engagement:{call.pk}:held"
    assert update.value["date"]["earliest"] == "2025-09-09"


@pytest.mark.parametrize(
    "sentence",
    [
        # a noun with no date of its own, or one still ahead, or one only asked for
        "Officials discussed the call between Hegseth and Dong Jun at length.",
        "The planned call between Hegseth and Dong Jun on 9 September worried Beijing.",
        "Hegseth sought a call with Dong Jun on 9 September, China said.",
        # a question, a denial
        "Was the call between Hegseth and China held on 9 September?",
        "China denied reports that the call with Hegseth was held on 9 September.",
    ],
)
def test_no_step_from_a_noun_without_its_date_a_question_or_a_denial(seeded, sentence):
    assert updates(sentence, published=date(2025, 10, 1)) == []


def test_the_postponed_forum_is_a_name_not_a_step(seeded):
    text = "US defence attachés flew home from Beijing after the postponed Xiangshan Forum."
    assert updates(text) == []


def test_an_undated_step_takes_the_next_sentences_date_for_the_same_engagement(seeded):
    forum = engagement("Beijing Xiangshan Forum")
    text = (
        "Beijing has postponed the Xiangshan Forum, US officials said. "
        "The organisers told the attachés on 10 September that the forum would not open."
    )
    (update,) = updates(text)
    assert update.key == f"engagement:{forum.pk}:postponed"
    assert update.value["date"]["earliest"] == "2025-09-10"
    assert update.flag == ""


def test_an_undated_step_is_flagged_with_the_reports_date(seeded):
    text = "Beijing has postponed the Xiangshan Forum, US officials said."
    (update,) = updates(text)
    assert update.value["date"]["earliest"] == SEPT.isoformat()
    assert "no date" in update.flag


def test_an_agreement_to_restore_a_channel_opens_it(seeded):
    text = (
        "The United States and China agreed on 31 October to re-establish military "
        "communication channels."
    )
    (update,) = updates(text, published=date(2025, 11, 1))
    assert update.key == f"channel:{channel_pk('us-china-military')}:open"
    assert update.value["date"]["earliest"] == "2025-10-31"


def test_a_status_change_older_than_the_recorded_status_is_history(seeded):
    # The military channel is recorded stalled since September 2025.
    text = "Beijing suspended military talks with the United States in 2022."
    assert updates(text, published=date(2025, 11, 1)) == []


def test_a_title_of_an_institution_in_other_words(seeded):
    found = offices("Zhang, the senior vice chairman of the Central Military Commission, spoke.")
    assert found["vice chairman"]["title"] == "First-ranked Vice Chairman"


def test_a_dispute_said_settled_with_the_side_whose_view_prevailed(seeded):
    point, china, _ = dispute()
    text = (
        "Hegseth finally held the call with Dong Jun on 9 September. Who should be his "
        "counterpart had divided the two sides all summer. The dispute has now been settled. "
        "China's view of who answers the Pentagon's phone has prevailed."
    )
    (update,) = [u for u in updates(text, published=date(2025, 9, 30)) if u.key.startswith("st")]
    assert update.key == f"sticking_point:{point.pk}:resolved"
    assert update.value["settled_claim_id"] == china.pk
    # Dated by the call that settled it, which the same report gives.
    assert update.value["date"]["earliest"] == "2025-09-09"


def test_a_period_a_status_lasts_is_not_its_date(seeded):
    text = (
        "China said on 2 October it had suspended diplomatic contacts with the United States "
        "for the rest of the year."
    )
    (update,) = updates(text, published=date(2025, 10, 3))
    assert update.value["date"]["earliest"] == "2025-10-02"
