"""The write rules in events/services.py, tested through its public functions.

Every refusal is checked three ways: the error is a ValidationError keyed by the offending field,
its message says what is wrong, and nothing was saved (row counts are unchanged).
"""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError

from events import selectors
from events.models import Channel, Citation, Engagement, EngagementTransition, StatusChange
from events.services import (
    CitationInput,
    channel_create,
    citation_add,
    engagement_create,
    engagement_create_check,
    engagement_transition,
    engagement_transition_check,
    status_change_record,
)
from tests.factories import (
    ChannelFactory,
    SourceFactory,
    StateFactory,
    StatusChangeFactory,
    fuzzy,
)

pytestmark = pytest.mark.django_db

WRITTEN = (Channel, StatusChange, Engagement, EngagementTransition, Citation)


# --- Helpers -----------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


@contextmanager
def refused(field: str, *fragments: str):
    """The block raises ValidationError with a message on `field` containing every fragment,
    and no row of any model the services write was added."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        yield caught
    messages = caught.value.message_dict
    assert field in messages, f"expected a message on {field!r}, got {messages}"
    text = " ".join(messages[field])
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert counts() == before


@pytest.fixture
def channel():
    return ChannelFactory(track="military")


@pytest.fixture
def source():
    return SourceFactory(outlet="Nikkei Asia", title="Defence chiefs to talk")


@pytest.fixture
def cites(source):
    return [
        CitationInput(
            source=source, passage="  Officials said the call would go ahead.  ", locator="p. 2"
        )
    ]


def record_status(channel, cites, status="limited", date="11 July 2025", **kwargs):
    return status_change_record(
        channel=channel,
        status=status,
        date=fuzzy(date),
        explanation=kwargs.pop("explanation", "Working-level contact only."),
        citations=cites,
        **kwargs,
    )


def new_engagement(channel, when=None, **fields) -> Engagement:
    values = {"kind": "phone_call", "title": "Defence chiefs' call"} | fields
    engagement = Engagement(channel=channel, **values)
    engagement.when = when  # a fuzzy date is set through its descriptor, not the constructor
    return engagement


def create_engagement(channel, cites, state="proposed", reported="1 September 2025", **fields):
    return engagement_create(
        engagement=new_engagement(channel, **fields),
        state=state,
        reported=fuzzy(reported),
        citations=cites,
        note="First reported.",
    )


def step(engagement, cites, to_state, date, **kwargs):
    return engagement_transition(
        engagement=engagement, to_state=to_state, date=fuzzy(date), citations=cites, **kwargs
    )


def board_card(channel):
    return next(
        card for card in selectors.board_cards(Channel.objects.all()) if card.pk == channel.pk
    )


# --- status_change_record ----------------------------------------------------------------------


def test_status_change_without_a_date_is_refused_on_date(channel, cites):
    with refused("date", "needs a date"):
        status_change_record(
            channel=channel,
            status="limited",
            date=None,
            explanation="Working-level contact only.",
            citations=cites,
        )


def test_status_change_without_citations_is_refused_on_source(channel):
    with refused("source", "A status change needs a source"):
        record_status(channel, [])


@pytest.mark.parametrize("passage", ["", "   ", "\n\t"])
def test_status_change_with_a_blank_passage_is_refused_on_passage(channel, source, passage):
    cites = [
        CitationInput(source=source, passage="A good passage."),
        CitationInput(source=source, passage=passage),
    ]
    with refused("passage", "Give the passage"):
        record_status(channel, cites)


def test_status_change_without_an_explanation_is_refused_on_explanation(channel, cites):
    with refused("explanation", "Say why"):
        record_status(channel, cites, explanation="   ")


def test_status_change_with_an_unknown_status_is_refused_and_nothing_is_saved(channel, cites):
    with refused("status", "not a valid choice"):
        record_status(channel, cites, status="closed")


def test_valid_status_change_is_saved_with_its_citations(channel, source, cites):
    cites = [*cites, CitationInput(source=source, passage="Verbatim words.", claim="date")]
    change = record_status(
        channel, cites, status="stalled", trend="deteriorating", confidence="high"
    )

    saved = StatusChange.objects.get(pk=change.pk)
    assert (saved.channel, saved.status, saved.trend, saved.confidence) == (
        channel,
        "stalled",
        "deteriorating",
        "high",
    )
    assert saved.date == fuzzy("11 July 2025")
    assert saved.explanation == "Working-level contact only."
    passages = list(saved.citations.values_list("source__outlet", "passage", "locator", "claim"))
    assert passages == [
        ("Nikkei Asia", "Officials said the call would go ahead.", "p. 2", ""),
        ("Nikkei Asia", "Verbatim words.", "", "date"),
    ]


def test_valid_status_change_becomes_the_channel_s_current_status_on_the_board(channel, cites):
    assert board_card(channel).current_status is None

    change = record_status(channel, cites, status="frozen")

    card = board_card(channel)
    assert card.current_status == change
    assert card.current_status.status == "frozen"
    assert card.current_status_value == "frozen"


def test_the_board_shows_the_latest_dated_change_not_the_latest_recorded(channel, cites):
    newer = record_status(channel, cites, status="open", date="mid-September 2025")
    record_status(channel, cites, status="frozen", date="March 2025")  # history, entered late

    card = board_card(channel)
    assert card.current_status == newer
    assert card.current_status_value == "open"
    assert StatusChange.objects.filter(channel=channel).count() == 2


def test_the_board_of_one_channel_ignores_another_channel_s_changes(channel, cites):
    other = ChannelFactory()
    StatusChangeFactory(channel=other, status="open")
    record_status(channel, cites, status="stalled")
    assert board_card(channel).current_status_value == "stalled"
    assert board_card(other).current_status_value == "open"


# --- citation_add ------------------------------------------------------------------------------


@pytest.mark.parametrize("passage", ["", "  "])
def test_citation_add_refuses_a_blank_passage(channel, source, passage):
    with refused("passage", "Give the passage"):
        citation_add(fact=channel, source=source, passage=passage)


def test_citation_add_ties_the_stripped_passage_to_the_fact(channel, source):
    citation = citation_add(
        fact=channel, source=source, passage="  Both sides agreed.\n", passage_is_verbatim=True
    )
    assert list(channel.citations.all()) == [citation]
    assert (citation.passage, citation.passage_is_verbatim, citation.source) == (
        "Both sides agreed.",
        True,
        source,
    )


# --- engagement_create -------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["proposed", "scheduled", "held"])
def test_engagement_create_starts_in_an_opening_state_with_a_first_transition(
    channel, cites, state
):
    engagement = create_engagement(channel, cites, state=state, reported="early September 2025")

    saved = Engagement.objects.get(pk=engagement.pk)
    assert saved.state == state
    (first,) = saved.transitions.all()
    assert (first.from_state, first.to_state) == ("", state)
    assert first.date == fuzzy("early September 2025")
    assert first.note == "First reported."
    expected = ["Officials said the call would go ahead."]
    assert list(saved.citations.values_list("passage", flat=True)) == expected
    assert list(first.citations.values_list("passage", flat=True)) == expected
    assert Citation.objects.count() == 2


def test_engagement_create_keeps_the_expected_date_and_initiator(channel, cites):
    engagement = create_engagement(
        channel, cites, initiator=channel.party_b, when=fuzzy("late September 2025")
    )
    saved = Engagement.objects.get(pk=engagement.pk)
    assert saved.initiator == channel.party_b
    assert saved.when == fuzzy("late September 2025")


@pytest.mark.parametrize("state", ["declined", "postponed", "cancelled"])
def test_engagement_create_refuses_a_non_opening_state_on_to_state(channel, cites, state):
    label = state.capitalize()
    with refused(
        "to_state",
        f"cannot go from a new record to {label}",
        "Allowed next: Held, Proposed, Scheduled.",
    ):
        create_engagement(channel, cites, state=state)


def test_engagement_create_refuses_an_unknown_state(channel, cites):
    with refused("to_state", "“rumoured” is not a lifecycle state"):
        create_engagement(channel, cites, state="rumoured")


def test_engagement_create_refuses_an_initiator_who_is_not_a_party(channel, cites):
    outsider = StateFactory(name="Ruritania")
    with refused("initiator", "Ruritania is not a party to"):
        create_engagement(channel, cites, initiator=outsider)


def test_engagement_create_refuses_a_missing_reported_date(channel, cites):
    with refused("reported", "date of this first step"):
        engagement_create(
            engagement=new_engagement(channel), state="proposed", reported=None, citations=cites
        )


def test_engagement_create_refuses_an_engagement_without_citations(channel):
    with refused("source", "An engagement needs a source"):
        create_engagement(channel, [])


def test_engagement_create_refuses_a_blank_passage(channel, source):
    with refused("passage"):
        create_engagement(channel, [CitationInput(source=source, passage=" ")])


def test_engagement_create_saves_nothing_when_the_engagement_itself_is_invalid(channel, cites):
    """The model's own validation runs inside the transaction; its failure leaves no trace."""
    with refused("kind", "not a valid choice"):
        create_engagement(channel, cites, kind="carrier_pigeon")


def test_engagement_create_check_passes_a_valid_engagement_without_saving(channel):
    result = engagement_create_check(
        engagement=new_engagement(channel, initiator=channel.party_a),
        state="scheduled",
        reported=fuzzy("Q3 2025"),
    )
    assert result is None
    assert Engagement.objects.count() == 0


def test_engagement_create_check_refuses_what_engagement_create_refuses(channel):
    outsider = StateFactory()
    with refused("initiator", "is not a party to"):
        engagement_create_check(
            engagement=new_engagement(channel, initiator=outsider),
            state="proposed",
            reported=fuzzy("Q3 2025"),
        )
    with refused("to_state", "Allowed next"):
        engagement_create_check(
            engagement=new_engagement(channel), state="declined", reported=fuzzy("Q3 2025")
        )


# --- engagement_transition ---------------------------------------------------------------------


def test_proposed_to_scheduled_to_held_moves_the_engagement_along(channel, cites):
    engagement = create_engagement(channel, cites, state="proposed", reported="1 September 2025")

    scheduled = step(engagement, cites, "scheduled", "5 September 2025", note=" Date agreed. ")
    assert engagement.state == "scheduled"
    assert Engagement.objects.get(pk=engagement.pk).state == "scheduled"
    assert (scheduled.from_state, scheduled.to_state, scheduled.note) == (
        "proposed",
        "scheduled",
        "Date agreed.",
    )
    assert list(scheduled.citations.values_list("passage", flat=True)) == [
        "Officials said the call would go ahead."
    ]

    step(engagement, cites, "held", "17 September 2025")
    assert engagement.state == "held"
    assert Engagement.objects.get(pk=engagement.pk).state == "held"
    steps = list(engagement.transitions.order_by("id").values_list("from_state", "to_state"))
    assert steps == [("", "proposed"), ("proposed", "scheduled"), ("scheduled", "held")]


def test_held_to_proposed_is_refused_naming_no_allowed_next_step(channel, cites):
    engagement = create_engagement(channel, cites, state="held")
    with refused("to_state", "cannot go from Held to Proposed", "Allowed next: none (final)."):
        step(engagement, cites, "proposed", "2 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).state == "held"
    assert engagement.transitions.count() == 1


def test_a_refused_step_names_the_allowed_next_steps(channel, cites):
    engagement = create_engagement(channel, cites, state="proposed")
    allowed = "Allowed next: Cancelled, Declined, Held, Postponed, Scheduled."
    with refused("to_state", "cannot go from Proposed to Proposed", allowed):
        step(engagement, cites, "proposed", "2 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).state == "proposed"


@pytest.mark.parametrize("final", ["declined", "cancelled"])
def test_final_states_allow_no_further_step(channel, cites, final):
    engagement = create_engagement(channel, cites, state="proposed")
    step(engagement, cites, final, "2 September 2025")
    with refused("to_state", "Allowed next: none (final)."):
        step(engagement, cites, "scheduled", "3 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).state == final


def test_postponed_engagement_can_be_rescheduled(channel, cites):
    engagement = create_engagement(channel, cites, state="scheduled")
    step(engagement, cites, "postponed", "2 September 2025")
    step(engagement, cites, "scheduled", "October 2025")
    assert engagement.state == "scheduled"
    assert engagement.transitions.count() == 3


def test_a_step_dated_certainly_before_the_previous_one_is_refused(channel, cites):
    engagement = create_engagement(channel, cites, state="proposed", reported="mid-September 2025")
    with refused(
        "date",
        "This step (1 September 2025) cannot come before the previous one (mid-September 2025)",
    ):
        step(engagement, cites, "scheduled", "1 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).state == "proposed"
    assert engagement.transitions.count() == 1


@pytest.mark.parametrize("date", ["September 2025", "15 September 2025", "20 September 2025"])
def test_a_step_that_may_share_the_previous_one_s_period_needs_an_overlap_reason(
    channel, cites, date
):
    engagement = create_engagement(channel, cites, state="proposed", reported="mid-September 2025")
    with refused("date", "the step “proposed” of mid-September 2025"):
        step(engagement, cites, "scheduled", date)
    assert engagement.transitions.count() == 1
    made = step(engagement, cites, "scheduled", date, overlap_reason="Both reports are vague.")
    assert made.date == fuzzy(date)
    assert made.overlap_reason == "Both reports are vague."
    assert engagement.state == "scheduled"


def test_a_step_certainly_before_any_earlier_step_is_refused(channel, cites):
    engagement = create_engagement(channel, cites, state="proposed", reported="2025")
    step(engagement, cites, "scheduled", "1 June 2025", overlap_reason="Proposal not dated.")
    with refused("date", "cannot come before the previous one (1 June 2025)"):
        step(engagement, cites, "held", "1 March 2025")


def test_when_updates_the_engagement_s_date_when_given(channel, cites):
    engagement = create_engagement(channel, cites, when=fuzzy("September 2025"))
    step(engagement, cites, "scheduled", "5 September 2025", when=fuzzy("17 September 2025"))
    assert engagement.when == fuzzy("17 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).when == fuzzy("17 September 2025")


def test_a_step_without_when_keeps_the_engagement_s_date(channel, cites):
    engagement = create_engagement(channel, cites, when=fuzzy("September 2025"))
    step(engagement, cites, "scheduled", "5 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).when == fuzzy("September 2025")


def test_a_refused_step_does_not_change_the_engagement_s_date(channel, cites):
    engagement = create_engagement(channel, cites, state="held", when=fuzzy("September 2025"))
    with refused("to_state"):
        step(engagement, cites, "scheduled", "5 September 2025", when=fuzzy("October 2025"))
    assert Engagement.objects.get(pk=engagement.pk).when == fuzzy("September 2025")


def test_a_step_without_a_date_is_refused_on_date(channel, cites):
    engagement = create_engagement(channel, cites)
    with refused("date", "needs a date"):
        engagement_transition(
            engagement=engagement, to_state="scheduled", date=None, citations=cites
        )
    assert Engagement.objects.get(pk=engagement.pk).state == "proposed"


def test_a_step_without_citations_is_refused_on_source(channel, cites):
    engagement = create_engagement(channel, cites)
    with refused("source", "A lifecycle step needs a source"):
        step(engagement, [], "scheduled", "5 September 2025")
    assert Engagement.objects.get(pk=engagement.pk).state == "proposed"


def test_a_step_starts_from_the_stored_state_not_a_stale_copy(channel, cites):
    engagement = create_engagement(channel, cites)
    stale = Engagement.objects.get(pk=engagement.pk)
    step(engagement, cites, "scheduled", "5 September 2025")
    assert stale.state == "proposed"

    made = step(stale, cites, "held", "17 September 2025")
    assert (made.from_state, made.to_state) == ("scheduled", "held")
    assert stale.state == "held"


def test_engagement_transition_check_passes_an_allowed_step_without_saving(channel, cites):
    engagement = create_engagement(channel, cites)
    before = counts()
    assert (
        engagement_transition_check(
            engagement=engagement, to_state="scheduled", date=fuzzy("5 September 2025")
        )
        is None
    )
    assert counts() == before


def test_engagement_transition_check_refuses_what_engagement_transition_refuses(channel, cites):
    engagement = create_engagement(channel, cites, state="held", reported="mid-September 2025")
    with refused("to_state", "Allowed next: none (final)."):
        engagement_transition_check(
            engagement=engagement, to_state="proposed", date=fuzzy("20 September 2025")
        )
    with refused("date", "needs a date"):
        engagement_transition_check(engagement=engagement, to_state="proposed", date=None)


# --- channel_create ----------------------------------------------------------------------------


def test_channel_create_opens_a_channel_with_its_citations(source):
    us, china = StateFactory(short_name="US"), StateFactory(short_name="China")
    channel = channel_create(
        party_a=us,
        party_b=china,
        track="diplomatic",
        slug="us-china-diplomatic",
        citations=[CitationInput(source=source, passage="Talks at vice-minister level.")],
    )
    saved = Channel.objects.get(slug="us-china-diplomatic")
    assert saved == channel
    assert (saved.party_a, saved.party_b, saved.track) == (us, china, "diplomatic")
    assert list(saved.citations.values_list("passage", flat=True)) == [
        "Talks at vice-minister level."
    ]


def test_channel_create_refuses_a_channel_between_a_party_and_itself():
    us = StateFactory()
    with refused("party_b", "A channel links two different parties."):
        channel_create(party_a=us, party_b=us, track="military", slug="us-us")


@pytest.mark.parametrize("order", ["same order", "reversed order"])
def test_channel_create_refuses_a_duplicate_pair_and_track(order):
    us, china = StateFactory(short_name="US"), StateFactory(short_name="China")
    existing = ChannelFactory(party_a=us, party_b=china, track="military")
    a, b = (us, china) if order == "same order" else (china, us)
    with refused("track", "US–China military-to-military already exists", "add to it"):
        channel_create(party_a=a, party_b=b, track="military", slug="again")
    assert list(Channel.objects.all()) == [existing]


def test_channel_create_allows_the_same_pair_on_another_track():
    existing = ChannelFactory(track="military")
    channel = channel_create(
        party_a=existing.party_b, party_b=existing.party_a, track="leaders", slug="summit"
    )
    assert Channel.objects.filter(pk__in=[existing.pk, channel.pk]).count() == 2


def test_channel_create_refuses_an_unknown_track():
    with refused("track", "not a valid choice"):
        channel_create(party_a=StateFactory(), party_b=StateFactory(), track="cultural", slug="x")


def test_channel_create_refuses_a_taken_slug():
    ChannelFactory(slug="taken")
    with refused("slug", "already exists"):
        channel_create(
            party_a=StateFactory(), party_b=StateFactory(), track="military", slug="taken"
        )
