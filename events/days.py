"""Days typed into a URL: `?as_of=` on the boards and the API, and the API's other day filters;
and how long one day is from another, as the pages say it.

One parser, so a page and the API accept exactly the same days: YYYY-MM-DD (the one format the
site writes days in), within `AS_OF_RANGE`. Anything else gets a message saying what to type.
"""

import re
from datetime import date

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# The days an as-of page can show: the charts need a year's margin on either side of the day.
AS_OF_RANGE = (date(1000, 1, 1), date(9998, 12, 31))


class DayError(ValueError):
    """A day that cannot be read; its text is the message for the person who typed it."""


def parse_day(text: str) -> date:
    """A day written YYYY-MM-DD; `DayError` with a message otherwise."""
    text = text.strip()
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise DayError(f"“{text}” is not a date; use YYYY-MM-DD, e.g. 2025-08-01.") from None


def parse_as_of(text: str) -> date | None:
    """The `as_of` parameter: None when empty, a day within `AS_OF_RANGE`, else `DayError`."""
    if not text.strip():
        return None
    day = parse_day(text)
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        first, last = (bound.isoformat() for bound in AS_OF_RANGE)
        raise DayError(f"“{text.strip()}” is out of range; give a day from {first} to {last}.")
    return day


_UNITS = {"day": "d", "week": "wk", "month": "mo", "year": "yr"}


def elapsed(start: date, end: date, *, short: bool = False) -> str:
    """The time from `start` to `end` (not before it) in one unit, as a reader counts it: days
    up to two weeks, weeks up to two months, months up to two years, then years — "3 weeks",
    or "3 wk" when `short` (a table cell)."""
    days = (end - start).days
    if days < 14:
        n, unit = days, "day"
    elif days < 61:
        n, unit = days // 7, "week"
    elif days < 730:
        n, unit = round(days / 30.44), "month"
    else:
        n, unit = days // 365, "year"
    if short:
        return f"{n} {_UNITS[unit]}"
    return f"{n} {unit}{'' if n == 1 else 's'}"
