"""The database refuses impossible rows.

Every CheckConstraint and UniqueConstraint in events/models.py (and the fuzzy-date guards made by
`fuzzy_date_constraints`) is exercised here by writing the bad row straight to the database —
`objects.create()`, `save()` or `QuerySet.update()` with raw column values, never model
validation — and expecting `IntegrityError`. Each bad write runs in its own savepoint so the test
database stays usable, and each test checks that the named constraint is the one that fired and
that no row was added.
"""

from collections.abc import Callable
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from events.models import (
    Actor,
    Channel,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.vocabularies import ALLOWED_TRANSITIONS, EngagementState
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    InstitutionFactory,
    OfficeFactory,
    ParticipationFactory,
    PersonFactory,
    SourceFactory,
    StateFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
)

pytestmark = pytest.mark.django_db

D1, D2 = date(2025, 9, 1), date(2025, 9, 30)


# --- Helpers -----------------------------------------------------------------------------------


def assert_refused(model, write: Callable[[], object], constraint: str, *columns: str) -> None:
    """`write` raises IntegrityError naming `constraint`, and `model` has no more rows after.

    PostgreSQL names the violated constraint; SQLite names CHECK constraints but reports a
    UNIQUE violation by its columns, so unique constraints also pass the columns to look for.
    """
    before = model.objects.count()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    message = str(caught.value)
    named = constraint in message
    by_columns = (
        bool(columns) and connection.vendor == "sqlite" and all(c in message for c in columns)
    )
    assert named or by_columns, f"expected {constraint} to fire, got: {message}"
    assert model.objects.count() == before


def assert_refused_update(instance, constraint: str, **columns) -> None:
    """Writing `columns` onto the saved `instance` with QuerySet.update() is refused, and the
    row keeps its old values."""
    model = type(instance)
    before = model.objects.filter(pk=instance.pk).values(*columns).get()
    assert_refused(
        model, lambda: model.objects.filter(pk=instance.pk).update(**columns), constraint
    )
    assert model.objects.filter(pk=instance.pk).values(*columns).get() == before


def office_holding(**columns) -> OfficeHolding:
    return OfficeHolding.objects.create(
        person=columns.pop("person", None) or PersonFactory(),
        office=columns.pop("office", None) or OfficeFactory(),
        **columns,
    )


def interpretation(statement=None, side=None, **columns) -> Interpretation:
    values = {"emphasis": "highlights", "reading": "A reading."} | columns
    return Interpretation.objects.create(
        statement=statement or StatementFactory(), side=side or StateFactory(), **values
    )


def counterpart_claim(**columns) -> CounterpartClaim:
    channel = columns.pop("channel", None) or ChannelFactory()
    values = {
        "office": OfficeFactory(),
        "claimant": channel.party_a,
        "counterpart_office": OfficeFactory(),
    } | columns
    return CounterpartClaim.objects.create(channel=channel, **values)


# --- Channels ----------------------------------------------------------------------------------


def test_database_refuses_channel_between_a_party_and_itself():
    us = StateFactory()
    assert_refused(
        Channel,
        lambda: Channel.objects.create(party_a=us, party_b=us, track="military", slug="us-us"),
        "events_channel_parties_distinct",
    )


def test_database_refuses_updating_a_channel_into_one_with_itself():
    channel = ChannelFactory()
    assert_refused_update(channel, "events_channel_parties_distinct", party_b=channel.party_a)


def test_database_refuses_second_channel_for_same_pair_and_track_in_same_order():
    first = ChannelFactory(track="military")
    assert_refused(
        Channel,
        lambda: Channel.objects.create(
            party_a=first.party_a, party_b=first.party_b, track="military", slug="again"
        ),
        "events_channel_unique_pair_track",
    )


def test_database_refuses_second_channel_for_same_pair_and_track_in_reversed_order():
    first = ChannelFactory(track="military")
    assert_refused(
        Channel,
        lambda: Channel.objects.create(
            party_a=first.party_b, party_b=first.party_a, track="military", slug="reversed"
        ),
        "events_channel_unique_pair_track",
    )


def test_database_refuses_moving_a_reversed_channel_onto_a_taken_track():
    first = ChannelFactory(track="military")
    other = ChannelFactory(party_a=first.party_b, party_b=first.party_a, track="diplomatic")
    assert_refused_update(other, "events_channel_unique_pair_track", track="military")


def test_database_allows_the_same_pair_on_a_different_track():
    first = ChannelFactory(track="military")
    second = Channel.objects.create(
        party_a=first.party_b, party_b=first.party_a, track="diplomatic", slug="diplomatic"
    )
    assert Channel.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_database_allows_one_party_on_the_same_track_with_different_partners():
    us = StateFactory()
    ChannelFactory(party_a=us, track="military")
    ChannelFactory(party_b=us, track="military")
    assert Channel.objects.filter(track="military").count() == 2


# --- Fuzzy dates -------------------------------------------------------------------------------
# One valid saved row per model with a fuzzy date, plus columns that keep the row valid for the
# model's other constraints while its fuzzy date is broken.


def _ended_claim(**columns):
    return counterpart_claim(
        outcome="settled", ended_earliest=D1, ended_latest=D1, ended_precision="day", **columns
    )


def _resolved_sticking_point():
    return StickingPointFactory(
        state="resolved",
        resolved_earliest=D1,
        resolved_latest=D1,
        resolved_precision="day",
    )


FUZZY_DATES = [
    # (model label, make a valid row, fuzzy date name, optional, extra columns)
    ("Source.published", SourceFactory, "published", False, {}),
    ("StatusChange.date", StatusChangeFactory, "date", False, {}),
    ("EngagementTransition.date", TransitionFactory, "date", False, {}),
    ("Engagement.when", EngagementFactory, "when", True, {}),
    ("Statement.said", StatementFactory, "said", True, {}),
    ("OfficeHolding.start", office_holding, "start", True, {}),
    ("OfficeHolding.end", office_holding, "end", True, {}),
    ("StickingPoint.raised", StickingPointFactory, "raised", True, {}),
    ("StickingPoint.resolved", _resolved_sticking_point, "resolved", True, {"state": "resolved"}),
    ("CounterpartClaim.stated", lambda: counterpart_claim(), "stated", True, {}),
    ("CounterpartClaim.ended", lambda: _ended_claim(), "ended", True, {"outcome": "settled"}),
]
OPTIONAL_FUZZY_DATES = [case for case in FUZZY_DATES if case[3]]


def _label(case) -> str:
    return case[0]


def _constraint(instance, name: str) -> str:
    return f"events_{type(instance)._meta.model_name}_{name}_fuzzy_date_valid"


def _undated(extra: dict) -> dict:
    """Extra columns for a row whose fuzzy date has no bounds: a sticking point without a
    resolution date must be open, a claim without an end date standing."""
    if extra.get("state") == "resolved":
        return {**extra, "state": "open"}
    if extra.get("outcome") == "settled":
        return {**extra, "outcome": "standing"}
    return extra


def _columns(name: str, earliest, latest, precision, extra: dict) -> dict:
    return {
        f"{name}_earliest": earliest,
        f"{name}_latest": latest,
        f"{name}_precision": precision,
        **extra,
    }


@pytest.mark.parametrize("case", FUZZY_DATES, ids=_label)
def test_database_refuses_fuzzy_date_whose_earliest_is_after_its_latest(case):
    _, make, name, _, extra = case
    row = make()
    assert_refused_update(row, _constraint(row, name), **_columns(name, D2, D1, "range", extra))


@pytest.mark.parametrize("case", FUZZY_DATES, ids=_label)
@pytest.mark.parametrize("precision", ["fortnight", "Day", "exact"])
def test_database_refuses_fuzzy_date_precision_outside_the_vocabulary(case, precision):
    _, make, name, _, extra = case
    row = make()
    columns = _columns(name, D1, D2, precision, extra)
    assert_refused_update(row, _constraint(row, name), **columns)


@pytest.mark.parametrize("case", FUZZY_DATES, ids=_label)
def test_database_refuses_fuzzy_date_of_day_precision_spanning_several_days(case):
    _, make, name, _, extra = case
    row = make()
    assert_refused_update(row, _constraint(row, name), **_columns(name, D1, D2, "day", extra))


@pytest.mark.parametrize("case", FUZZY_DATES, ids=_label)
def test_database_accepts_a_well_formed_fuzzy_date(case):
    """Positive control: the same update with sound values goes through."""
    _, make, name, _, extra = case
    row = make()
    type(row).objects.filter(pk=row.pk).update(**_columns(name, D1, D2, "month", extra))
    row.refresh_from_db()
    assert str(getattr(row, name)) == "September 2025"


@pytest.mark.parametrize("case", OPTIONAL_FUZZY_DATES, ids=_label)
def test_database_refuses_optional_fuzzy_date_with_earliest_only_and_no_precision(case):
    _, make, name, _, extra = case
    row = make()
    assert_refused_update(row, _constraint(row, name), **_columns(name, D1, None, "", extra))


@pytest.mark.parametrize("case", OPTIONAL_FUZZY_DATES, ids=_label)
def test_database_refuses_optional_fuzzy_date_with_latest_only_and_no_precision(case):
    _, make, name, _, extra = case
    row = make()
    assert_refused_update(
        row, _constraint(row, name), **_columns(name, None, D2, "", _undated(extra))
    )


@pytest.mark.parametrize("case", OPTIONAL_FUZZY_DATES, ids=_label)
@pytest.mark.parametrize("precision", ["day", "month"])
def test_database_refuses_optional_fuzzy_date_with_earliest_only(case, precision):
    _, make, name, _, extra = case
    row = make()
    assert_refused_update(row, _constraint(row, name), **_columns(name, D1, None, precision, extra))


@pytest.mark.parametrize("case", OPTIONAL_FUZZY_DATES, ids=_label)
def test_database_refuses_optional_fuzzy_date_with_a_precision_but_no_bounds(case):
    _, make, name, _, extra = case
    row = make()
    columns = _columns(name, None, None, "month", _undated(extra))
    assert_refused_update(row, _constraint(row, name), **columns)


@pytest.mark.parametrize(
    "make",
    [StatusChangeFactory, SourceFactory, TransitionFactory],
    ids=["StatusChange.date", "Source.published", "EngagementTransition.date"],
)
def test_database_refuses_required_fuzzy_date_with_a_missing_bound(make):
    """Required fuzzy dates have NOT NULL columns: half a date cannot be stored."""
    row = make()
    model = type(row)
    name = {StatusChange: "date", Source: "published", EngagementTransition: "date"}[model]
    before = model.objects.filter(pk=row.pk).values().get()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{f"{name}_latest": None})
    assert model.objects.filter(pk=row.pk).values().get() == before


@pytest.mark.parametrize("case", OPTIONAL_FUZZY_DATES, ids=_label)
def test_database_accepts_an_optional_fuzzy_date_left_entirely_empty(case):
    _, make, name, _, extra = case
    row = make()
    type(row).objects.filter(pk=row.pk).update(**_columns(name, None, None, "", _undated(extra)))
    row.refresh_from_db()
    assert getattr(row, name) is None


def test_database_refuses_creating_a_status_change_with_a_reversed_date():
    channel = ChannelFactory()
    assert_refused(
        StatusChange,
        lambda: StatusChange.objects.create(
            channel=channel,
            status="open",
            explanation="Because.",
            date_earliest=D2,
            date_latest=D1,
            date_precision="range",
        ),
        "events_statuschange_date_fuzzy_date_valid",
    )


def test_database_refuses_saving_an_engagement_whose_when_has_no_known_precision():
    engagement = EngagementFactory()
    engagement.when_precision = "sometime"
    assert_refused(Engagement, engagement.save, "events_engagement_when_fuzzy_date_valid")
    engagement.refresh_from_db()
    assert engagement.when_precision == "part_of_month"


# --- Vocabularies (choice_constraint) ----------------------------------------------------------


def _sticking_point_constraints(field):
    # A state outside the vocabulary also breaks "resolved has a date"; either may be reported.
    if field == "state":
        return ("events_stickingpoint_state_valid", "events_stickingpoint_resolved_has_date")
    return (f"events_stickingpoint_{field}_valid",)


CHOICES = [
    # (model factory, field, bad value)
    (SourceFactory, "kind", "blog"),
    (SourceFactory, "kind", ""),
    (StateFactory, "kind", "province"),
    (StateFactory, "kind", "State"),
    (StateFactory, "region", "atlantis"),
    (ChannelFactory, "track", "cultural"),
    (StatusChangeFactory, "status", "closed"),
    (StatusChangeFactory, "status", "Open"),
    (StatusChangeFactory, "trend", "sideways"),
    (StatusChangeFactory, "confidence", "certain"),
    (EngagementFactory, "kind", "letter"),
    (EngagementFactory, "state", "rumoured"),
    (EngagementFactory, "state", ""),
    (ParticipationFactory, "role", "chair"),
    (ParticipationFactory, "attendance", "maybe"),
    (ParticipationFactory, "planned_attendance", "hoped for"),
    (StatementFactory, "stance", "friendly"),
    (interpretation, "emphasis", "ignores"),
    (StickingPointFactory, "kind", "grudge"),
    (StickingPointFactory, "state", "dormant"),
]


def _model_of(make):
    """The model a factory (or a helper function of this module) writes."""
    return make._meta.model if hasattr(make, "_meta") else Interpretation


def _choice_id(case) -> str:
    make, field, value = case
    return f"{_model_of(make).__name__}.{field}={value!r}"


@pytest.mark.parametrize("case", CHOICES, ids=_choice_id)
def test_database_refuses_creating_a_row_with_a_value_outside_the_vocabulary(case):
    make, field, value = case
    model = _model_of(make)
    label = model._meta.model_name
    constraints = (
        _sticking_point_constraints(field)
        if model is StickingPoint
        else (f"events_{label}_{field}_valid",)
    )
    before = model.objects.count()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make(**{field: value})
    assert any(name in str(caught.value) for name in constraints), str(caught.value)
    assert model.objects.count() == before


@pytest.mark.parametrize("case", CHOICES, ids=_choice_id)
def test_database_refuses_updating_a_row_to_a_value_outside_the_vocabulary(case):
    make, field, value = case
    row = make()
    model = type(row)
    constraints = (
        _sticking_point_constraints(field)
        if model is StickingPoint
        else (f"events_{model._meta.model_name}_{field}_valid",)
    )
    old = getattr(row, field)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})
    assert any(name in str(caught.value) for name in constraints), str(caught.value)
    row.refresh_from_db()
    assert getattr(row, field) == old


# --- Engagement lifecycle ----------------------------------------------------------------------

# The lifecycle as the project describes it, written out independently of ALLOWED_TRANSITIONS.
LIFECYCLE = {
    ("", "proposed"),
    ("", "scheduled"),
    ("", "held"),
    ("proposed", "scheduled"),
    ("proposed", "held"),
    ("proposed", "declined"),
    ("proposed", "postponed"),
    ("proposed", "cancelled"),
    ("scheduled", "held"),
    ("scheduled", "postponed"),
    ("scheduled", "cancelled"),
    ("postponed", "scheduled"),
    ("postponed", "cancelled"),
}
ALL_STEPS = [(a, b) for a in ["", *EngagementState.values] for b in EngagementState.values]


def test_lifecycle_table_matches_the_documented_lifecycle():
    declared = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert declared == LIFECYCLE


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        ("held", "proposed"),
        ("declined", "scheduled"),
        ("", "declined"),
        ("proposed", "proposed"),
        ("cancelled", "scheduled"),
        ("scheduled", "proposed"),
        ("", "postponed"),
    ],
)
def test_database_refuses_a_step_the_lifecycle_does_not_allow(from_state, to_state):
    engagement = EngagementFactory()
    assert_refused(
        EngagementTransition,
        lambda: TransitionFactory(engagement=engagement, from_state=from_state, to_state=to_state),
        "events_engagementtransition_allowed",
    )


@pytest.mark.parametrize(
    ("from_state", "to_state"), ALL_STEPS, ids=[f"{a or 'new'}->{b}" for a, b in ALL_STEPS]
)
def test_database_enforces_exactly_the_lifecycle(from_state, to_state):
    engagement = EngagementFactory()
    write = lambda: TransitionFactory(  # noqa: E731
        engagement=engagement, from_state=from_state, to_state=to_state
    )
    if (from_state, to_state) in LIFECYCLE:
        step = write()
        assert (step.from_state, step.to_state) == (from_state, to_state)
    else:
        assert_refused(EngagementTransition, write, "events_engagementtransition_allowed")


def test_database_allows_proposed_to_scheduled():
    step = TransitionFactory(from_state="proposed", to_state="scheduled")
    assert EngagementTransition.objects.get(pk=step.pk).to_state == "scheduled"


@pytest.mark.parametrize(
    ("from_state", "to_state"), [("proposed", "rumoured"), ("rumoured", "held"), ("", "")]
)
def test_database_refuses_a_step_with_an_unknown_state(from_state, to_state):
    assert_refused(
        EngagementTransition,
        lambda: TransitionFactory(from_state=from_state, to_state=to_state),
        "events_engagementtransition_allowed",
    )


def test_database_refuses_rewriting_a_recorded_step_into_a_forbidden_one():
    step = TransitionFactory(from_state="proposed", to_state="scheduled")
    assert_refused_update(step, "events_engagementtransition_allowed", from_state="held")


# --- Citations and statements ------------------------------------------------------------------


def test_database_refuses_citation_with_an_empty_passage():
    fact = ChannelFactory()
    source = SourceFactory()
    assert_refused(
        Citation,
        lambda: Citation.objects.create(fact=fact, source=source, passage=""),
        "events_citation_passage_required",
    )


def test_database_refuses_blanking_the_passage_of_a_citation():
    citation = Citation.objects.create(fact=ChannelFactory(), source=SourceFactory(), passage="x")
    assert_refused_update(citation, "events_citation_passage_required", passage="")


def test_database_refuses_a_relayed_origin_without_its_kind():
    fact, source = ChannelFactory(), SourceFactory()
    assert_refused(
        Citation,
        lambda: Citation.objects.create(
            fact=fact, source=source, passage="x", relays="Nikkei Asia", relays_kind=""
        ),
        "events_citation_relay_has_kind",
    )


def test_database_refuses_a_relayed_origin_kind_outside_the_vocabulary():
    fact, source = ChannelFactory(), SourceFactory()
    assert_refused(
        Citation,
        lambda: Citation.objects.create(
            fact=fact, source=source, passage="x", relays="Nikkei Asia", relays_kind="rumour"
        ),
        "events_citation_relays_kind_valid",
    )


def test_database_refuses_statement_without_text():
    speaker = PersonFactory()
    assert_refused(
        Statement,
        lambda: Statement.objects.create(speaker=speaker, text="", stance="neutral"),
        "events_statement_text_required",
    )


def test_database_refuses_a_second_interpretation_by_the_same_side_of_a_statement():
    first = interpretation()
    assert_refused(
        Interpretation,
        lambda: interpretation(statement=first.statement, side=first.side, emphasis="downplays"),
        "events_interpretation_one_per_side",
        "statement_id",
        "side_id",
    )


def test_database_allows_each_side_its_own_interpretation_of_a_statement():
    first = interpretation()
    interpretation(statement=first.statement, side=StateFactory(), emphasis="disputes")
    assert first.statement.interpretations.count() == 2


# --- Counterpart claims ------------------------------------------------------------------------


def test_database_refuses_counterpart_claim_naming_neither_office_nor_person():
    assert_refused(
        CounterpartClaim,
        lambda: counterpart_claim(counterpart_office=None, counterpart_person=None),
        "events_counterpartclaim_names_counterpart",
    )


@pytest.mark.parametrize("named", ["office", "person", "both"])
def test_database_accepts_counterpart_claim_naming_an_office_a_person_or_both(named):
    office = OfficeFactory() if named in ("office", "both") else None
    person = PersonFactory() if named in ("person", "both") else None
    claim = counterpart_claim(counterpart_office=office, counterpart_person=person)
    claim.refresh_from_db()
    assert (claim.counterpart_office, claim.counterpart_person) == (office, person)


def test_database_refuses_two_claims_by_the_same_side_for_the_same_office_and_channel():
    first = counterpart_claim()
    assert_refused(
        CounterpartClaim,
        lambda: counterpart_claim(
            channel=first.channel,
            office=first.office,
            claimant=first.claimant,
            counterpart_person=PersonFactory(),
        ),
        "events_counterpartclaim_one_standing_per_side",
        "channel_id",
        "office_id",
        "claimant_id",
    )


def test_database_refuses_standing_again_a_claim_whose_side_has_a_new_standing_one():
    old = _ended_claim()
    counterpart_claim(channel=old.channel, office=old.office, claimant=old.claimant)
    reopen = {
        "outcome": "standing",
        "ended_earliest": None,
        "ended_latest": None,
        "ended_precision": "",
    }
    assert_refused(
        CounterpartClaim,
        lambda: CounterpartClaim.objects.filter(pk=old.pk).update(**reopen),
        "events_counterpartclaim_one_standing_per_side",
        "channel_id",
        "office_id",
        "claimant_id",
    )
    old.refresh_from_db()
    assert old.outcome == "settled"


def test_database_allows_a_new_standing_claim_once_the_old_one_has_ended():
    old = _ended_claim()
    counterpart_claim(channel=old.channel, office=old.office, claimant=old.claimant)
    assert CounterpartClaim.objects.filter(office=old.office, claimant=old.claimant).count() == 2


def test_database_refuses_a_settled_claim_without_an_end_date():
    assert_refused(
        CounterpartClaim,
        lambda: counterpart_claim(outcome="settled"),
        "events_counterpartclaim_ended_has_date",
    )


def test_database_refuses_a_standing_claim_with_an_end_date():
    claim = counterpart_claim()
    assert_refused_update(
        claim,
        "events_counterpartclaim_ended_has_date",
        ended_earliest=D1,
        ended_latest=D1,
        ended_precision="day",
    )


@pytest.mark.parametrize("outcome", ["withdrawn", "Settled", ""])
def test_database_refuses_a_claim_outcome_outside_the_vocabulary(outcome):
    # Dated, so that only the vocabulary rule is broken.
    assert_refused(
        CounterpartClaim,
        lambda: counterpart_claim(
            outcome=outcome, ended_earliest=D1, ended_latest=D1, ended_precision="day"
        ),
        "events_counterpartclaim_outcome_valid",
    )


def test_database_allows_the_other_side_a_claim_for_the_same_office_and_channel():
    first = counterpart_claim()
    counterpart_claim(channel=first.channel, office=first.office, claimant=first.channel.party_b)
    assert CounterpartClaim.objects.filter(office=first.office).count() == 2


# --- Sticking points ---------------------------------------------------------------------------


def test_database_refuses_resolved_sticking_point_without_a_resolved_date():
    assert_refused(
        StickingPoint,
        lambda: StickingPointFactory(state="resolved"),
        "events_stickingpoint_resolved_has_date",
    )


def test_database_refuses_open_sticking_point_with_a_resolved_date():
    assert_refused(
        StickingPoint,
        lambda: StickingPointFactory(
            state="open", resolved_earliest=D1, resolved_latest=D1, resolved_precision="day"
        ),
        "events_stickingpoint_resolved_has_date",
    )


def test_database_refuses_marking_a_sticking_point_resolved_without_a_date():
    point = StickingPointFactory()
    assert_refused_update(point, "events_stickingpoint_resolved_has_date", state="resolved")


def test_database_refuses_reopening_a_sticking_point_that_keeps_its_resolved_date():
    point = _resolved_sticking_point()
    assert_refused_update(point, "events_stickingpoint_resolved_has_date", state="open")


def test_database_accepts_resolved_sticking_point_with_a_date_and_open_one_without():
    resolved = _resolved_sticking_point()
    open_point = StickingPointFactory(channel=resolved.channel)
    assert resolved.resolved is not None and open_point.resolved is None
    assert StickingPoint.objects.filter(channel=resolved.channel).count() == 2


def test_database_refuses_sticking_point_with_a_duplicate_title_on_a_channel():
    first = StickingPointFactory(title="Counterpart mismatch")
    assert_refused(
        StickingPoint,
        lambda: StickingPointFactory(channel=first.channel, title="Counterpart mismatch"),
        "events_stickingpoint_unique_title",
        "channel_id",
        "title",
    )


def test_database_allows_the_same_sticking_point_title_on_another_channel():
    StickingPointFactory(title="Counterpart mismatch")
    StickingPointFactory(title="Counterpart mismatch")
    assert StickingPoint.objects.filter(title="Counterpart mismatch").count() == 2


# --- Participation -----------------------------------------------------------------------------


def test_database_refuses_the_same_actor_twice_in_an_engagement():
    first = ParticipationFactory()
    assert_refused(
        Participation,
        lambda: ParticipationFactory(
            engagement=first.engagement, actor=first.actor, role="delegation"
        ),
        "events_participation_unique_actor",
        "engagement_id",
        "actor_id",
    )


def test_database_refuses_naming_a_replacement_for_someone_not_replaced():
    assert_refused(
        Participation,
        lambda: ParticipationFactory(attendance="confirmed", replaced_by=PersonFactory()),
        "events_participation_replaced_by_only_when_replaced",
    )


def test_database_refuses_someone_replaced_by_themselves():
    participation = ParticipationFactory(attendance="replaced", replaced_by=PersonFactory())
    assert_refused_update(
        participation,
        "events_participation_not_replaced_by_self",
        replaced_by=participation.actor,
    )


def test_database_accepts_someone_replaced_by_another_person():
    substitute = PersonFactory()
    participation = ParticipationFactory(attendance="replaced", replaced_by=substitute)
    participation.refresh_from_db()
    assert participation.replaced_by == substitute


def test_database_allows_the_same_actor_in_two_engagements():
    first = ParticipationFactory()
    ParticipationFactory(actor=first.actor)
    assert Participation.objects.filter(actor=first.actor).count() == 2


# --- Actors, offices, sources ------------------------------------------------------------------


def test_database_refuses_office_holding_that_ends_before_it_starts():
    assert_refused(
        OfficeHolding,
        lambda: office_holding(
            start_earliest=date(2025, 3, 1),
            start_latest=date(2025, 3, 1),
            start_precision="day",
            end_earliest=date(2024, 12, 1),
            end_latest=date(2024, 12, 31),
            end_precision="month",
        ),
        "events_officeholding_ends_after_start",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ((date(2025, 3, 1), date(2025, 3, 1), "day"), (date(2025, 3, 1), date(2025, 3, 1), "day")),
        ((date(2025, 1, 1), date(2025, 12, 31), "year"), (None, None, "")),
        ((None, None, ""), (date(2024, 12, 1), date(2024, 12, 31), "month")),
    ],
    ids=["same-day", "still-in-office", "start-unknown"],
)
def test_database_accepts_office_holding_with_consistent_or_unknown_bounds(start, end):
    holding = office_holding(
        start_earliest=start[0],
        start_latest=start[1],
        start_precision=start[2],
        end_earliest=end[0],
        end_latest=end[1],
        end_precision=end[2],
    )
    assert OfficeHolding.objects.filter(pk=holding.pk).exists()


def test_database_refuses_state_actor_with_a_parent():
    parent = StateFactory()
    assert_refused(Actor, lambda: StateFactory(parent=parent), "events_actor_state_has_no_parent")


def test_database_refuses_state_actor_belonging_to_another_state():
    other = StateFactory()
    assert_refused(Actor, lambda: StateFactory(state=other), "events_actor_state_has_no_parent")


def test_database_refuses_turning_an_institution_with_a_state_into_a_state():
    ministry = InstitutionFactory()
    assert_refused_update(ministry, "events_actor_state_has_no_parent", kind="state")


def test_database_refuses_a_region_on_an_institution():
    ministry = InstitutionFactory()
    assert_refused_update(ministry, "events_actor_region_only_for_states", region="europe")


def test_database_refuses_a_second_data_version_row():
    from events.models import DataVersion

    assert_refused(
        DataVersion, lambda: DataVersion.objects.create(id=2), "events_dataversion_single_row"
    )


def test_database_accepts_a_region_on_a_state():
    state = StateFactory(region="europe")
    assert Actor.objects.get(pk=state.pk).get_region_display() == "Europe"


def test_database_refuses_actor_whose_parent_is_itself():
    ministry = InstitutionFactory()
    assert_refused_update(ministry, "events_actor_not_own_parent", parent=ministry)


def test_database_refuses_actor_whose_state_is_itself():
    person = PersonFactory()
    assert_refused_update(person, "events_actor_not_own_parent", state=person)


def test_database_allows_institution_with_a_parent_institution():
    parent = InstitutionFactory()
    child = InstitutionFactory(state=parent.state, parent=parent)
    assert list(parent.children.all()) == [child]


def test_database_refuses_source_with_a_duplicate_outlet_and_title():
    first = SourceFactory(outlet="Nikkei Asia", title="Talks resume")
    assert_refused(
        Source,
        lambda: SourceFactory(outlet=first.outlet, title=first.title, kind="transcript"),
        "events_source_unique_outlet_title",
        "outlet",
        "title",
    )


def test_database_allows_the_same_title_from_another_outlet():
    SourceFactory(outlet="Nikkei Asia", title="Talks resume")
    SourceFactory(outlet="Reuters", title="Talks resume")
    assert Source.objects.filter(title="Talks resume").count() == 2


def test_database_refuses_office_with_a_duplicate_title_in_an_institution():
    first = OfficeFactory(title="Minister of National Defense")
    assert_refused(
        Office,
        lambda: OfficeFactory(institution=first.institution, title=first.title),
        "events_office_unique_title_per_institution",
        "institution_id",
        "title",
    )


def test_database_allows_the_same_office_title_in_another_institution():
    OfficeFactory(title="Minister of National Defense")
    OfficeFactory(title="Minister of National Defense")
    assert Office.objects.filter(title="Minister of National Defense").count() == 2


# --- Search entries ----------------------------------------------------------------------------


def test_database_refuses_a_second_search_entry_for_the_same_record():
    # Looked up by name: the search index is new and may be kept in step by signals, so the
    # first entry is taken whether or not saving the record already wrote it.
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    search_entry = apps.get_model("events", "SearchEntry")
    source = SourceFactory(title="Talks resume")
    record = {"content_type": ContentType.objects.get_for_model(Source), "object_id": source.pk}
    search_entry.objects.update_or_create(**record, defaults={"title": "a", "body": "a"})
    assert_refused(
        search_entry,
        lambda: search_entry.objects.create(**record, title="b", body="b"),
        "events_searchentry_one_per_record",
        "content_type_id",
        "object_id",
    )
    other = SourceFactory()
    search_entry.objects.update_or_create(
        content_type=record["content_type"], object_id=other.pk, defaults={"title": "c"}
    )
    assert search_entry.objects.filter(content_type=record["content_type"]).count() == 2


# --- Intake decisions --------------------------------------------------------------------------


def _decision(**columns):
    from django.contrib.contenttypes.models import ContentType

    from events.models import IntakeDecision

    source = columns.pop("source", None) or SourceFactory(text="Talks resumed on Tuesday.")
    values = {
        "source": source,
        "suggestion_kind": "date",
        "start": 0,
        "end": 5,
        "decision": "accepted",
        "content_type": ContentType.objects.get_for_model(Source),
        "object_id": source.pk,
    } | columns
    return IntakeDecision.objects.create(**values)


def test_database_refuses_a_second_decision_on_the_same_suggestion():
    from events.models import IntakeDecision

    first = _decision()
    assert_refused(
        IntakeDecision,
        lambda: _decision(
            source=first.source, decision="dismissed", content_type=None, object_id=None
        ),
        "events_intakedecision_one_per_suggestion",
        "source_id",
        "suggestion_kind",
    )
    _decision(source=first.source, key="engagement 1 held")  # another change, same span
    assert IntakeDecision.objects.count() == 2


def test_database_refuses_an_acceptance_without_its_record_and_a_dismissal_with_one():
    from events.models import IntakeDecision

    name = "events_intakedecision_record_if_accepted"
    assert_refused(IntakeDecision, lambda: _decision(content_type=None, object_id=None), name)
    assert_refused(IntakeDecision, lambda: _decision(decision="dismissed"), name)
    row = _decision()
    assert_refused_update(row, name, object_id=None)


def test_database_refuses_an_empty_span_and_an_unknown_decision():
    from events.models import IntakeDecision

    assert_refused(IntakeDecision, lambda: _decision(start=5, end=5), "events_intakedecision_span")
    assert_refused(
        IntakeDecision,
        lambda: _decision(decision="maybe", content_type=None, object_id=None),
        "events_intakedecision_decision_valid",
    )


# --- Coverage of the declared constraints ------------------------------------------------------

EXPLICITLY_TESTED = {
    # The board's read model: refused in tests/test_summaries.py.
    "events_channelsummary_status_valid",
    "events_channelsummary_trend_valid",
    "events_channelsummary_confidence_valid",
    "events_channel_activity_one_per_day",
    "events_channel_activity_some_records",
    # An analyst's own reading state: refused in tests/test_board_personal.py.
    "events_follow_one_per_user_and_channel",
    "events_boardvisit_baseline_not_after_seen",
    "events_feedtoken_key_is_random_text",
    "events_channel_parties_distinct",
    "events_channel_unique_pair_track",
    "events_engagementtransition_allowed",
    "events_citation_passage_required",
    "events_statement_text_required",
    "events_interpretation_one_per_side",
    "events_counterpartclaim_names_counterpart",
    "events_counterpartclaim_one_standing_per_side",
    "events_counterpartclaim_ended_has_date",
    "events_counterpartclaim_outcome_valid",
    "events_participation_replaced_by_only_when_replaced",
    "events_participation_not_replaced_by_self",
    "events_citation_relay_has_kind",
    "events_citation_relays_kind_valid",
    "events_stickingpoint_resolved_has_date",
    "events_stickingpoint_unique_title",
    "events_participation_unique_actor",
    "events_officeholding_ends_after_start",
    "events_actor_state_has_no_parent",
    "events_actor_not_own_parent",
    "events_source_unique_outlet_title",
    "events_office_unique_title_per_institution",
    "events_searchentry_one_per_record",
    "events_actor_region_only_for_states",
    "events_dataversion_single_row",
    "events_intakedecision_one_per_suggestion",
    "events_intakedecision_record_if_accepted",
    "events_intakedecision_span",
    "events_intakedecision_decision_valid",
}


def test_every_declared_constraint_has_a_refusal_test():
    """A constraint added to events/models.py without a test here fails this test."""
    from django.apps import apps

    declared = {
        constraint.name % {"app_label": "events", "class": model._meta.model_name}
        for model in apps.get_app_config("events").get_models()
        for constraint in model._meta.constraints
    }
    fuzzy = {
        f"events_{label.split('.')[0].lower()}_{name}_fuzzy_date_valid"
        for label, _, name, _, _ in FUZZY_DATES
    }
    choices = {
        f"events_{_model_of(make)._meta.model_name}_{field}_valid" for make, field, _ in CHOICES
    }
    assert declared - (EXPLICITLY_TESTED | fuzzy | choices) == set()
