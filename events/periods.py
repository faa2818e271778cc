"""Status periods: from which day the board shows each of a channel's statuses as current.

A status counts from the earliest day its fuzzy date allows. Statuses are put in the order of
their dates (earliest possible day, then latest possible day, then the order they were
recorded), and each is shown from its earliest possible day, or, when an earlier status in
that order already starts on that day, from the next day still within its own range. So a
status dated “3–16 September” recorded beside one dated exactly 3 September is shown from
4 September: both stay visible. A status is hidden on every day only when the statuses after
it had certainly begun by every day it could have begun on (for example, two statuses on the
same exact day: the one recorded later stands). docs/dates.md gives examples.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple


class DatedStatus(NamedTuple):
    pk: int
    earliest: date
    latest: date


def shown_from_days(statuses: Iterable[DatedStatus]) -> dict[int, date]:
    """The first day each status is shown as current, by pk (one channel's statuses)."""
    days: dict[int, date] = {}
    previous: date | None = None
    for status in sorted(statuses, key=lambda s: (s.earliest, s.latest, s.pk)):
        day = status.earliest
        if previous is not None and day <= previous:
            day = min(previous + timedelta(days=1), status.latest)
            day = max(day, status.earliest)
        days[status.pk] = day
        previous = day if previous is None else max(previous, day)
    return days
