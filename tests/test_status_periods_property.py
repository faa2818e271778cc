"""Random status histories with fuzzy dates on one channel, written through the services: the
as-of board never shows two current statuses on a day, and no recorded status is hidden on every
day unless a status ordered after it had certainly begun no later than it could have
(events.periods, docs/dates.md)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import selectors, services
from events.charts import _periods
from events.fuzzydates import FuzzyDate
from events.models import Channel, StatusChange
from events.vocabularies import ChannelStatus
from tests.factories import ChannelFactory, SourceFactory

pytestmark = pytest.mark.django_db

BASE = date(2025, 9, 1)

fuzzy_dates = st.builds(
    lambda start, length: FuzzyDate.between(
        BASE + timedelta(days=start), BASE + timedelta(days=start + length)
    ),
    st.integers(0, 20),
    st.sampled_from([0, 0, 0, 1, 3, 9, 15]),  # mostly exact days, some ranges
)
histories = st.lists(
    st.tuples(fuzzy_dates, st.sampled_from(ChannelStatus.values)), min_size=1, max_size=4
)
exact_histories = st.lists(st.integers(0, 20), min_size=1, max_size=4, unique=True)

# Each example writes through the services (a version, the data-version lock, the periods of the
# channel refreshed), about a tenth of a second a status. The full runs (60 examples) are marked
# slow; the fast suite runs the same properties on a handful of examples.
FULL = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
QUICK = settings(FULL, max_examples=8)


@pytest.fixture
def channel_and_source(db):
    return ChannelFactory(), SourceFactory()


def record(channel, source, history) -> list[StatusChange]:
    """Each status through the service, in the order given (the recording order)."""
    return [
        services.status_change_record(
            channel=channel,
            status=status,
            date=when,
            explanation="As reported.",
            overlap_reason="A random history: dates overlap on purpose.",
            citations=[services.CitationInput(source=source, passage="As reported.")],
        )
        for when, status in history
    ]


def window(changes: list[StatusChange]) -> list[date]:
    first = min(c.date_earliest for c in changes) - timedelta(days=1)
    last = max(c.date_latest for c in changes) + timedelta(days=2)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def current_by_day(channel: Channel, days: list[date]) -> dict[date, int | None]:
    """The status the board shows on each day (its pk): the query the board's cards and status
    filter both take their status from (`StatusChangeQuerySet.as_of().newest_first()`)."""
    changes = StatusChange.objects.filter(channel=channel)
    return {
        day: changes.as_of(day).newest_first().values_list("pk", flat=True).first() for day in days
    }


def assert_board_and_page_agree(channel: Channel, day: date, expected: int | None) -> None:
    """On `day` the board's card, its status filter and the channel page show `expected`."""
    card = selectors.with_board_summary(Channel.objects.filter(pk=channel.pk), day).get()
    assert card.current_status_id == expected
    status_now = Channel.objects.with_status_as_of(day).get(pk=channel.pk).status_now
    assert status_now == card.current_status_value
    page = selectors.channel_status_board(Channel.objects.filter(pk=channel.pk), day).get()
    current = page.current_status_change
    assert (current.pk if current else None) == expected


def check_fuzzy_history(channel_and_source, history, sample) -> None:
    """(a) one current status a day, (b) none hidden on every day without cause."""
    with transaction.atomic():
        channel, source = channel_and_source
        changes = record(channel, source, history)
        for change in changes:
            change.refresh_from_db()
        days = window(changes)
        shown = current_by_day(channel, days)

        # (a) One current status a day: the board's, and the time strip's periods never overlap.
        periods = _periods(changes)
        for day in days:
            drawn = [
                p["change"].pk
                for p in periods
                if p["start"] <= day and (p["stop"] is None or day < p["stop"])
            ]
            assert len(drawn) <= 1, (day, drawn)
            assert drawn == ([shown[day]] if shown[day] else []), day
        # The board's card and filter and the channel page agree, on a sampled day.
        day = days[sample % len(days)]
        assert_board_and_page_agree(channel, day, shown[day])

        # (b) Every status is current on some day, unless one ordered after it had certainly
        # begun no later than this one's latest possible day.
        def order(c):
            return (c.date_earliest, c.date_latest, c.pk)

        current_somewhere = set(shown.values())
        for change in changes:
            if change.pk in current_somewhere:
                continue
            assert any(
                order(other) > order(change) and other.date_latest <= change.date_latest
                for other in changes
            ), f"{change.date} ({change.pk}) is hidden on every day"
        transaction.set_rollback(True)


fuzzy_history = given(history=histories, sample=st.integers(0, 40))


@pytest.mark.slow
@FULL
@fuzzy_history
def test_random_fuzzy_histories_show_one_status_a_day_and_hide_none_without_cause(
    channel_and_source, history, sample
):
    check_fuzzy_history(channel_and_source, history, sample)


@QUICK
@fuzzy_history
def test_random_fuzzy_histories_quick(channel_and_source, history, sample):
    check_fuzzy_history(channel_and_source, history, sample)


def check_exact_history(channel_and_source, offsets, sample) -> None:
    """(c) statuses on distinct exact days: each current from its day until the next one's."""
    with transaction.atomic():
        channel, source = channel_and_source
        history = [(FuzzyDate.day(BASE + timedelta(days=n)), "open") for n in offsets]
        changes = record(channel, source, history)
        days = window(changes)
        shown = current_by_day(channel, days)
        in_order = sorted(changes, key=lambda c: c.date_earliest)
        for index, change in enumerate(in_order):
            until = in_order[index + 1].date_earliest if index + 1 < len(in_order) else None
            for day in days:
                expected = change.date_earliest <= day and (until is None or day < until)
                assert (shown[day] == change.pk) == expected, (change.date, day)
        assert shown[days[0]] is None  # before the first, no status
        day = days[sample % len(days)]
        assert_board_and_page_agree(channel, day, shown[day])
        transaction.set_rollback(True)


exact_history = given(offsets=exact_histories, sample=st.integers(0, 40))


@pytest.mark.slow
@FULL
@exact_history
def test_statuses_on_distinct_exact_days_are_each_current_from_their_day_until_the_next(
    channel_and_source, offsets, sample
):
    check_exact_history(channel_and_source, offsets, sample)


@QUICK
@exact_history
def test_statuses_on_distinct_exact_days_quick(channel_and_source, offsets, sample):
    check_exact_history(channel_and_source, offsets, sample)
