"""The board's read model (events.summaries) says what the records say: after random changes
written through the services — statuses recorded, edited and deleted, engagements created,
moved through their lifecycle, moved to another channel and deleted, statements linked and
unlinked, sticking points raised and resolved — every channel's stored summary and daily
activity equal what the records compute to. On both databases (CI runs this file on PostgreSQL
too). Also: the rebuild command finds nothing to correct after the seed, corrects what a write
around the services left wrong, and the board shows what the read model holds."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import services, summaries
from events.fuzzydates import FuzzyDate
from events.models import (
    Channel,
    ChannelActivity,
    ChannelSummary,
    Characterisation,
    Engagement,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.vocabularies import ChannelStatus, Confidence, EngagementState, Trend
from tests.factories import ChannelFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

BASE = date(2026, 6, 1)

days = st.integers(0, 200)
fuzzy_dates = st.builds(
    lambda start, length: FuzzyDate.between(
        BASE + timedelta(days=start), BASE + timedelta(days=start + length)
    ),
    days,
    st.sampled_from([0, 0, 0, 2, 9]),
)
channel_index = st.integers(0, 2)
record_index = st.integers(0, 30)

operations = st.one_of(
    st.tuples(
        st.just("status"),
        channel_index,
        st.sampled_from(ChannelStatus.values),
        fuzzy_dates,
        st.sampled_from(Trend.values),
        st.sampled_from(Confidence.values),
    ),
    st.tuples(st.just("move status"), record_index, fuzzy_dates),
    st.tuples(st.just("delete status"), record_index),
    st.tuples(
        st.just("engagement"),
        channel_index,
        st.sampled_from(["proposed", "scheduled", "held"]),
        fuzzy_dates,
        st.one_of(st.none(), fuzzy_dates),
    ),
    st.tuples(st.just("step"), record_index, st.sampled_from(EngagementState.values), fuzzy_dates),
    st.tuples(st.just("move engagement"), record_index, channel_index),
    st.tuples(st.just("delete engagement"), record_index),
    st.tuples(
        st.just("statement"),
        st.lists(channel_index, max_size=2, unique=True),
        st.one_of(st.none(), fuzzy_dates),
    ),
    st.tuples(st.just("relink statement"), record_index, st.lists(channel_index, unique=True)),
    st.tuples(st.just("delete statement"), record_index),
    st.tuples(st.just("sticking point"), channel_index, fuzzy_dates),
    st.tuples(st.just("resolve"), record_index, fuzzy_dates),
)

FULL = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
QUICK = settings(FULL, max_examples=6)


@pytest.fixture
def world(db):
    channels = [ChannelFactory(), ChannelFactory(), ChannelFactory()]
    return channels, SourceFactory(), PersonFactory()


def cited(source) -> list[services.CitationInput]:
    return [services.CitationInput(source=source, passage="As reported.")]


def nth(queryset, index: int):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def apply(operation, channels, source, speaker) -> None:
    """One change through the services; a change the services refuse is simply not made."""
    kind, *args = operation
    if kind == "status":
        index, status, when, trend, confidence = args
        services.status_change_record(
            channel=channels[index],
            status=status,
            date=when,
            trend=trend,
            confidence=confidence,
            explanation="As reported.",
            overlap_reason="Random history: dates may overlap.",
            citations=cited(source),
        )
    elif kind == "move status" and (change := nth(StatusChange.objects, args[0])):
        change.date = args[1]
        change.overlap_reason = "Random history: dates may overlap."
        services.record_save(record=change)
    elif kind == "delete status" and (change := nth(StatusChange.objects, args[0])):
        services.record_delete(record=change)
    elif kind == "engagement":
        index, state, reported, when = args
        engagement = Engagement(channel=channels[index], kind="meeting", title="Talks")
        engagement.when = when
        services.engagement_create(
            engagement=engagement, state=state, reported=reported, citations=cited(source)
        )
    elif kind == "step" and (engagement := nth(Engagement.objects, args[0])):
        services.engagement_transition(
            engagement=engagement,
            to_state=args[1],
            date=args[2],
            overlap_reason="Random history: dates may overlap.",
            citations=cited(source),
        )
    elif kind == "move engagement" and (engagement := nth(Engagement.objects, args[0])):
        engagement.channel = channels[args[1]]
        services.record_save(record=engagement)
    elif kind == "delete engagement" and (engagement := nth(Engagement.objects, args[0])):
        services.record_delete(record=engagement)
    elif kind == "statement":
        linked, said = args
        services.statement_create(
            speaker=speaker,
            text="Words.",
            stance="neutral",
            said=said,
            channels=[channels[i] for i in linked],
            citations=cited(source),
        )
    elif kind == "relink statement" and (statement := nth(Statement.objects, args[0])):
        services.record_links_set(
            record=statement, links={"channels": [channels[i] for i in args[1]]}
        )
    elif kind == "delete statement" and (statement := nth(Statement.objects, args[0])):
        services.record_delete(record=statement)
    elif kind == "sticking point":
        point = StickingPoint(
            channel=channels[args[0]],
            title=f"Obstacle {StickingPoint.objects.count()}",
            kind="incident",
            description="It blocks the channel.",
        )
        point.raised = args[1]
        services.record_save(record=point, citations=cited(source))
    elif kind == "resolve":
        point = nth(StickingPoint.objects.filter(state="open"), args[0])
        if point is not None:
            point.state = "resolved"
            point.resolved = args[1]
            services.record_save(record=point)


def check_random_changes(world, changes) -> None:
    channels, source, speaker = world
    with transaction.atomic():
        for operation in changes:
            try:
                with transaction.atomic():
                    apply(operation, channels, source, speaker)
            except ValidationError:
                pass  # refused: nothing was written
            assert summaries.differences() == [], operation
        transaction.set_rollback(True)


random_changes = given(changes=st.lists(operations, min_size=1, max_size=12))


@pytest.mark.slow
@FULL
@random_changes
def test_random_changes_through_the_services_keep_every_summary_equal_to_the_records(
    world, changes
):
    check_random_changes(world, changes)


@QUICK
@random_changes
def test_random_changes_keep_the_summaries_equal_to_the_records_quick(world, changes):
    check_random_changes(world, changes)


def test_a_summary_holds_what_the_board_shows_of_a_channel(world):
    channels, source, _speaker = world
    channel = channels[0]
    services.status_change_record(
        channel=channel,
        status="frozen",
        date=FuzzyDate.day(BASE),
        trend="deteriorating",
        confidence="high",
        explanation="Talks suspended.",
        citations=cited(source),
    )
    held = Engagement(channel=channel, kind="meeting", title="Held talks")
    held.when = FuzzyDate.day(BASE + timedelta(days=3))
    services.engagement_create(
        engagement=held, state="held", reported=held.when, citations=cited(source)
    )
    summary = ChannelSummary.objects.get(channel=channel)
    assert (summary.status, summary.trend, summary.confidence) == (
        "frozen",
        "deteriorating",
        "high",
    )
    assert summary.since == BASE
    assert summary.last_contact_id == held.pk
    assert summary.last_contact_on == BASE + timedelta(days=3)
    assert summary.next_engagement_id is None
    # A channel with nothing recorded has a summary too: no status, ranked last.
    empty = ChannelSummary.objects.get(channel=channels[1])
    assert (empty.status, empty.status_rank, empty.open_sticking_points) == ("", 4, 0)


def test_deleting_a_channel_takes_its_summary_and_activity(world):
    channels, source, speaker = world
    services.statement_create(
        speaker=speaker,
        text="Words.",
        stance="neutral",
        said=FuzzyDate.day(BASE),
        channels=[channels[0]],
        citations=cited(source),
    )
    services.status_change_record(
        channel=channels[0],
        status="open",
        date=FuzzyDate.day(BASE),
        explanation="Open.",
        citations=cited(source),
    )
    assert channels[0].activity_days.exists()
    pk = channels[0].pk
    Statement.objects.all().delete()
    services.record_delete(record=channels[0])
    assert not ChannelSummary.objects.filter(channel_id=pk).exists()
    assert summaries.differences() == []


def test_the_rebuild_command_reports_and_corrects_a_write_around_the_services(world, capsys):
    channels, source, _speaker = world
    services.status_change_record(
        channel=channels[0],
        status="open",
        date=FuzzyDate.day(BASE),
        explanation="Open.",
        citations=cited(source),
    )
    call_command("rebuild_summaries", "--check")
    assert "The summaries match the records." in capsys.readouterr().out
    # update() sends no signal: the read model is now wrong, and the check says how.
    StatusChange.objects.filter(channel=channels[0]).update(status="frozen")
    with pytest.raises(CommandError, match="2 difference"):
        call_command("rebuild_summaries", "--check")
    assert "status is 'open', the records say 'frozen'" in capsys.readouterr().out
    call_command("rebuild_summaries")
    assert "2 difference(s) corrected" in capsys.readouterr().out
    assert ChannelSummary.objects.get(channel=channels[0]).status == "frozen"
    call_command("rebuild_summaries", "--check")


def test_the_seed_leaves_nothing_to_rebuild(capsys):
    call_command("load_seed")
    assert Channel.objects.exists()
    call_command("rebuild_summaries", "--check")
    assert "The summaries match the records." in capsys.readouterr().out


@pytest.mark.slow
def test_the_demo_data_leaves_nothing_to_rebuild(capsys):
    call_command("generate_demo_data", "--factor", "0.05", "--seed", "3", verbosity=0)
    assert Channel.objects.count() > 3
    call_command("rebuild_summaries", "--check")
    assert "The summaries match the records." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("column", "value"), [("status", "closed"), ("trend", "better"), ("confidence", "certain")]
)
def test_the_database_refuses_a_summary_outside_the_vocabularies(world, column, value):
    channel = world[0][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelSummary.objects.filter(channel=channel).update(**{column: value})


def test_the_database_refuses_two_activity_rows_for_one_day_and_a_day_without_records(world):
    channel = world[0][0]
    ChannelActivity.objects.create(channel=channel, day=BASE, records=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelActivity.objects.create(channel=channel, day=BASE, records=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelActivity.objects.create(channel=channel, day=BASE + timedelta(days=1), records=0)


def test_the_board_reads_the_read_model_and_a_rebuild_corrects_what_it_shows(world, client):
    """The board's status column, filter and tallies come from the summaries: a change written
    around the services shows only once the read model is rebuilt."""
    from django.core.cache import cache

    channels, source, _ = world
    services.status_change_record(
        channel=channels[0],
        status="open",
        date=FuzzyDate.day(BASE),
        explanation="Open.",
        citations=cited(source),
    )
    row = f'id="row-{channels[0].pk}"'
    assert row in client.get("/?status=open").content.decode()
    StatusChange.objects.filter(channel=channels[0]).update(status="frozen")
    cache.clear()
    assert row in client.get("/?status=open").content.decode()
    assert row not in client.get("/?status=frozen").content.decode()
    call_command("rebuild_summaries")
    assert row not in client.get("/?status=open").content.decode()
    assert row in client.get("/?status=frozen").content.decode()


def test_an_undated_statement_sits_on_the_timeline_on_the_day_its_sources_first_reported_it(
    world,
):
    channels, source, speaker = world  # the factory's source: published 5 September 2025
    statement = services.statement_create(
        speaker=speaker,
        text="Undated words.",
        stance="neutral",
        channels=[channels[0]],
        citations=cited(source),
    )
    statement.refresh_from_db()
    assert statement.timeline_day == date(2025, 9, 5)
    earlier = SourceFactory(published_earliest=date(2025, 8, 1), published_latest=date(2025, 8, 1))
    services.citation_add(fact=statement, source=earlier, passage="Reported first here.")
    statement.refresh_from_db()
    assert statement.timeline_day == date(2025, 8, 1)
    # The source's date corrected: the statement moves with it.
    earlier.published = FuzzyDate.day(date(2025, 10, 1))
    services.record_save(record=earlier)
    statement.refresh_from_db()
    assert statement.timeline_day == date(2025, 9, 5)
    # Dated: its own day counts.
    statement.said = FuzzyDate.day(BASE)
    services.record_save(record=statement)
    statement.refresh_from_db()
    assert statement.timeline_day == BASE
    assert summaries.differences() == []
    # A day changed around the services is found and put right.
    Statement.objects.filter(pk=statement.pk).update(timeline_day=None)
    assert any("timeline day differs" in line for line in summaries.differences())
    call_command("rebuild_summaries")
    statement.refresh_from_db()
    assert statement.timeline_day == BASE


def test_a_characterisation_sits_on_the_timeline_on_its_engagements_day(world):
    channels, source, _ = world
    engagement = services.engagement_create(
        engagement=Engagement(channel=channels[0], title="Talks", kind="meeting"),
        state="held",
        reported=FuzzyDate.day(BASE),
        citations=cited(source),
    )
    described = services.characterisation_create(
        engagement=engagement,
        side=channels[0].party_a,
        words="constructive",
        citations=cited(source),
    )
    described.refresh_from_db()
    # No date of its own: the day it was recorded.
    assert described.timeline_day == described.recorded_at.date()
    # The engagement dated: the description moves with it.
    engagement.when = FuzzyDate.day(BASE - timedelta(days=3))
    services.record_save(record=engagement)
    described.refresh_from_db()
    assert described.timeline_day == BASE - timedelta(days=3)
    assert summaries.differences() == []
    Characterisation.objects.filter(pk=described.pk).update(timeline_day=None)
    assert any("timeline day differs" in line for line in summaries.differences())
    call_command("rebuild_summaries")
    described.refresh_from_db()
    assert described.timeline_day == BASE - timedelta(days=3)


def test_a_characterisations_day_moving_with_its_engagement_is_nobodys_edit():
    from events.history import changes_between

    moved = changes_between(
        Characterisation,
        {"words": "ok", "timeline_day": date(2025, 1, 1)},
        {"words": "ok", "timeline_day": date(2025, 2, 1)},
    )
    assert moved == []
    assert changes_between(Characterisation, {"words": "ok"}, {"words": "fine"}) != []
