"""Fuzzy dates: what a report says about when something happened, and no more.

A `FuzzyDate` holds an inclusive earliest bound, an inclusive latest bound and a `Precision`
saying what kind of period those bounds describe. Values render the way a person writes them
("early September 2025", "Q3 2025", "17–19 September 2025") and parse back from the same
text, so an editor can type what the news report said without the app inventing a day.

Periods, finest first:

- day: one calendar day;
- part of month: early (days 1–10), mid (11–20) or late (21 to the end of the month);
- month, quarter;
- part of year: early (January–April), mid (May–August) or late (September–December);
- year.

Any other span is a range. A value is always stored at the finest precision that describes
its bounds exactly (`FuzzyDate.between`), so two spellings of the same span compare equal.
"""

import re
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import total_ordering

from django.core.exceptions import ValidationError
from django.db import models

__all__ = ["FuzzyDate", "FuzzyDateError", "Precision", "parse_fuzzy_date"]


class Precision(models.TextChoices):
    """What kind of period a fuzzy date's bounds describe."""

    DAY = "day", "Day"
    PART_OF_MONTH = "part_of_month", "Part of month (early/mid/late)"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    PART_OF_YEAR = "part_of_year", "Part of year (early/mid/late)"
    YEAR = "year", "Year"
    RANGE = "range", "Explicit range"


class FuzzyDateError(ValidationError):
    """A fuzzy date that cannot be read or cannot exist; the message is meant for editors."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message, code=code)

    def __str__(self) -> str:
        # ValidationError's own str() is a list repr, which reads badly in logs and consoles.
        return str(self.message)


EXAMPLES = (
    'Try "11 July 2025", "early Sept 2025", "Q3 2025", "late 2024 – early 2025" '
    'or "2025-09-17/2025-09-19".'
)

MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_PARTS = ("early", "mid", "late")


# --- Periods ---------------------------------------------------------------------------------
# One helper per unit: given any day, the first and last day of the period containing it.


def _last_day(year: int, month: int) -> int:
    return monthrange(year, month)[1]


def _part_of_month_index(d: date) -> int:
    """0, 1 or 2 for early (1–10), mid (11–20) or late (21–end)."""
    return min((d.day - 1) // 10, 2)


def _quarter_index(d: date) -> int:
    """0 to 3 for Q1 to Q4."""
    return (d.month - 1) // 3


def _part_of_year_index(d: date) -> int:
    """0, 1 or 2 for early (Jan–Apr), mid (May–Aug) or late (Sep–Dec)."""
    return (d.month - 1) // 4


def _day_period(d: date) -> tuple[date, date]:
    return d, d


def _part_of_month_period(d: date) -> tuple[date, date]:
    index = _part_of_month_index(d)
    last = (10, 20, _last_day(d.year, d.month))[index]
    return d.replace(day=1 + 10 * index), d.replace(day=last)


def _month_period(d: date) -> tuple[date, date]:
    return d.replace(day=1), d.replace(day=_last_day(d.year, d.month))


def _quarter_period(d: date) -> tuple[date, date]:
    first = 3 * _quarter_index(d) + 1
    return date(d.year, first, 1), date(d.year, first + 2, _last_day(d.year, first + 2))


def _part_of_year_period(d: date) -> tuple[date, date]:
    first = 4 * _part_of_year_index(d) + 1
    return date(d.year, first, 1), date(d.year, first + 3, _last_day(d.year, first + 3))


def _year_period(d: date) -> tuple[date, date]:
    return date(d.year, 1, 1), date(d.year, 12, 31)


# Finest first: `between` picks the first unit whose single period matches the bounds.
_PERIODS: dict[Precision, Callable[[date], tuple[date, date]]] = {
    Precision.DAY: _day_period,
    Precision.PART_OF_MONTH: _part_of_month_period,
    Precision.MONTH: _month_period,
    Precision.QUARTER: _quarter_period,
    Precision.PART_OF_YEAR: _part_of_year_period,
    Precision.YEAR: _year_period,
}

# Coarsest first: a range is written in the coarsest unit that fits both of its ends.
_RANGE_UNITS = tuple(reversed(_PERIODS))

_RANK = {precision: rank for rank, precision in enumerate(Precision)}

_PERIOD_NOUNS = {
    Precision.DAY: "a single day",
    Precision.PART_OF_MONTH: "one part of a month (days 1–10, 11–20 or 21 to the end)",
    Precision.MONTH: "one whole month",
    Precision.QUARTER: "one whole quarter",
    Precision.PART_OF_YEAR: "one part of a year (January–April, May–August or September–December)",
    Precision.YEAR: "one whole year",
}


def _single_period(earliest: date, latest: date) -> Precision | None:
    """The finest precision whose one period is exactly [earliest, latest], if any."""
    for precision, period in _PERIODS.items():
        if period(earliest) == (earliest, latest):
            return precision
    return None


# --- Display ---------------------------------------------------------------------------------


def _format_year(year: int) -> str:
    # Four digits always, so that years before 1000 still read back as years.
    return f"{year:04d}"


def _format_day(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month]} {_format_year(d.year)}"


def _format_period(unit: Precision, d: date) -> str:
    """The period of `unit` that contains `d`, as a person writes it."""
    month, year = MONTH_NAMES[d.month], _format_year(d.year)
    match unit:
        case Precision.DAY:
            return _format_day(d)
        case Precision.PART_OF_MONTH:
            part = _PARTS[_part_of_month_index(d)]
            return f"mid-{month} {year}" if part == "mid" else f"{part} {month} {year}"
        case Precision.MONTH:
            return f"{month} {year}"
        case Precision.QUARTER:
            return f"Q{_quarter_index(d) + 1} {year}"
        case Precision.PART_OF_YEAR:
            part = _PARTS[_part_of_year_index(d)]
            return f"mid-{year}" if part == "mid" else f"{part} {year}"
        case Precision.YEAR:
            return year
    raise ValueError(f"{unit!r} is not a single-period precision.")


def _range_unit(earliest: date, latest: date) -> Precision:
    for unit in _RANGE_UNITS:
        period = _PERIODS[unit]
        if period(earliest)[0] == earliest and period(latest)[1] == latest:
            return unit
    return Precision.DAY  # unreachable: every day starts and ends a day period


def _format_range(earliest: date, latest: date) -> str:
    unit = _range_unit(earliest, latest)
    year = _format_year(latest.year)
    if earliest.year == latest.year:
        # Within one year the shared parts are written once, as people do.
        if unit == Precision.DAY and earliest.month == latest.month:
            return f"{earliest.day}–{latest.day} {MONTH_NAMES[latest.month]} {year}"
        if unit == Precision.DAY:
            start = f"{earliest.day} {MONTH_NAMES[earliest.month]}"
            return f"{start} – {latest.day} {MONTH_NAMES[latest.month]} {year}"
        if unit == Precision.MONTH:
            return f"{MONTH_NAMES[earliest.month]} – {MONTH_NAMES[latest.month]} {year}"
        if unit == Precision.QUARTER:
            return f"Q{_quarter_index(earliest) + 1} – Q{_quarter_index(latest) + 1} {year}"
    return f"{_format_period(unit, earliest)} – {_format_period(unit, latest)}"


# --- Value -----------------------------------------------------------------------------------


@total_ordering
@dataclass(frozen=True, order=False)
class FuzzyDate:
    """A date known only to within inclusive bounds, at a stated precision.

    Ordering is by (earliest, latest), which sorts a timeline the way a reader expects: what
    may have started sooner comes first, and the narrower of two values starting together
    comes before the wider one.
    """

    earliest: date
    latest: date
    precision: Precision

    def __post_init__(self) -> None:
        for name in ("earliest", "latest"):
            value = getattr(self, name)
            # A datetime is a date subclass but does not compare with dates, so refuse it here.
            if not isinstance(value, date) or isinstance(value, datetime):
                raise FuzzyDateError(
                    f"The {name} bound of a fuzzy date must be a date, not {value!r}.",
                    code="invalid_bound",
                )
        try:
            precision = Precision(self.precision)
        except ValueError:
            raise FuzzyDateError(
                f"{self.precision!r} is not a fuzzy date precision; use one of "
                f"{', '.join(Precision.values)}.",
                code="invalid_precision",
            ) from None
        object.__setattr__(self, "precision", precision)

        earliest, latest = self.earliest, self.latest
        if latest < earliest:
            raise FuzzyDateError(
                f"The end ({_format_day(latest)}) is before the start ({_format_day(earliest)}).",
                code="reversed",
            )
        bounds = f"{_format_day(earliest)} to {_format_day(latest)}"
        if precision == Precision.RANGE:
            single = _single_period(earliest, latest)
            if single is not None:
                raise FuzzyDateError(
                    f"{bounds} is exactly {_PERIOD_NOUNS[single]}, so its precision is "
                    f'"{single.value}", not "range". FuzzyDate.between() picks it.',
                    code="inconsistent",
                )
        elif _PERIODS[precision](earliest) != (earliest, latest):
            raise FuzzyDateError(
                f'{bounds} is not {_PERIOD_NOUNS[precision]}, as precision "{precision.value}" '
                "requires. FuzzyDate.between() picks the right precision.",
                code="inconsistent",
            )

    @classmethod
    def day(cls, d: date) -> "FuzzyDate":
        """An exactly known day."""
        return cls(d, d, Precision.DAY)

    @classmethod
    def between(cls, earliest: date, latest: date) -> "FuzzyDate":
        """The value for [earliest, latest]: one period at the finest fitting unit, else a range."""
        if latest < earliest:
            raise FuzzyDateError(
                f"The end ({_format_day(latest)}) is before the start ({_format_day(earliest)}).",
                code="reversed",
            )
        precision = _single_period(earliest, latest) or Precision.RANGE
        return cls(earliest, latest, precision)

    @classmethod
    def parse(cls, text: str, *, default_year: int | None = None) -> "FuzzyDate":
        """Read editor text; see `parse_fuzzy_date`."""
        return parse_fuzzy_date(text, default_year=default_year)

    def __str__(self) -> str:
        if self.precision == Precision.RANGE:
            return _format_range(self.earliest, self.latest)
        return _format_period(self.precision, self.earliest)

    @property
    def human(self) -> str:
        """The value as a person writes it, e.g. "early September 2025"."""
        return str(self)

    @property
    def html_datetime(self) -> str | None:
        """The finest period HTML's `<time datetime>` can write (a day "2025-09-03", a month
        "2025-09" or a year "2025") that holds the whole value: "early September 2025" is within
        "2025-09", "Q3 2025" within "2025". None for a range across years, which none holds."""
        earliest, latest = self.earliest, self.latest
        if earliest == latest:
            return earliest.isoformat()
        if earliest.year != latest.year:
            return None
        if earliest.month == latest.month:
            return f"{earliest.year:04}-{earliest.month:02}"
        return f"{earliest.year:04}"

    def sort_key(self) -> tuple[date, date]:
        """(earliest, latest), the order timelines and lists use."""
        return self.earliest, self.latest

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FuzzyDate):
            return NotImplemented
        return (*self.sort_key(), _RANK[self.precision]) < (
            *other.sort_key(),
            _RANK[other.precision],
        )

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the value may fall within [start, end] (both inclusive)."""
        if end < start:
            raise ValueError(f"overlaps() needs start <= end, got {start} and {end}.")
        return self.earliest <= end and start <= self.latest

    def is_before(self, other: "FuzzyDate") -> bool:
        """Whether this value certainly ends before `other` can begin."""
        return self.latest < other.earliest


# --- Parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Partial:
    """One value as read from text: a unit and a day inside its period, the year maybe unknown.

    `month` is None only for a bare day number ("17" in "17 to 19 September"), which borrows
    its month from the other end of a range.
    """

    unit: Precision
    year: int | None
    month: int | None
    day: int = 1


_FLAGS = re.IGNORECASE | re.ASCII  # ASCII: no Unicode digits or case folds reach int() or lookups
_YEAR = r"(?P<year>\d{4})"
_YEAR_OPT = rf"(?:,?\s+{_YEAR})?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PART = (
    r"(?P<part>early|beginning\s+of|start\s+of|mid(?:dle\s+of)?|late|end\s+of)"
    r"(?:\s*[-–—]\s*|\s+)"
)
_QUARTER = (
    r"(?:q(?P<quarter>[1-4])"
    r"|(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?)"
)
_DASH = r"(?:\s*[-–—]\s*|\s+(?:to|or|until|till|through)\s+)"

# Whole-text forms of one value. Order matters only where forms overlap: month before day.
_SINGLE_FORMS: tuple[tuple[re.Pattern[str], Precision], ...] = tuple(
    (re.compile(pattern, _FLAGS), unit)
    for pattern, unit in (
        (rf"{_YEAR}-(?P<mnum>\d{{2}})-(?P<day>\d{{2}})", Precision.DAY),
        (rf"{_YEAR}-(?P<mnum>\d{{2}})", Precision.MONTH),
        (rf"{_YEAR}(?:\s*-\s*|\s+)?q(?P<quarter>[1-4])", Precision.QUARTER),
        (rf"{_QUARTER}(?:(?:\s*-\s*|,?\s+){_YEAR})?", Precision.QUARTER),
        (_YEAR, Precision.YEAR),
        (rf"{_PART}{_YEAR}", Precision.PART_OF_YEAR),
        (rf"{_PART}{_MONTH}{_YEAR_OPT}", Precision.PART_OF_MONTH),
        (rf"{_MONTH}{_YEAR_OPT}", Precision.MONTH),
        (rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT}", Precision.DAY),
        (rf"{_MONTH}\s+{_DAY}{_YEAR_OPT}", Precision.DAY),
        (_DAY, Precision.DAY),
    )
)

# Days of one month written once: "17–19 September 2025", "September 17-19, 2025".
_DAY_SPAN_FORMS = tuple(
    re.compile(pattern, _FLAGS)
    for pattern in (
        rf"(?P<first>\d{{1,2}})(?:st|nd|rd|th)?{_DASH}{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT}",
        rf"{_MONTH}\s+(?P<first>\d{{1,2}})(?:st|nd|rd|th)?{_DASH}{_DAY}{_YEAR_OPT}",
    )
)

_RANGE_SEPARATOR = re.compile(r"\s*[–—]\s*|\s+-\s+|\s+(?:to|or|until|till|through)\s+", _FLAGS)
_AND_SEPARATOR = re.compile(r"\s+and\s+", _FLAGS)
_BETWEEN = re.compile(r"between\s+(?P<rest>.+)", _FLAGS)
_FROM = re.compile(r"from\s+(?P<rest>.+)", _FLAGS)

_MONTH_NUMBERS = {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES) if name}
_PART_INDEX = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _partial(unit: Precision, groups: dict[str, str | None]) -> _Partial:
    """Turn a form's named groups into a partial value; each unit keeps a day of its period."""
    year = int(year_text) if (year_text := groups.get("year")) else None
    if month_name := groups.get("month"):
        month: int | None = _MONTH_NUMBERS[month_name[:3].lower()]
    elif month_number := groups.get("mnum"):
        month = int(month_number)
    else:
        month = None
    day = int(day_text) if (day_text := groups.get("day")) else 1
    match unit:
        case Precision.QUARTER:
            quarter = groups.get("quarter") or groups.get("qword") or "1"
            number = _QUARTER_WORDS.get(quarter.lower()) or int(quarter[0])
            month = 3 * number - 2
        case Precision.PART_OF_MONTH:
            day = 1 + 10 * _PART_INDEX[(groups["part"] or "").lower().split()[0]]
        case Precision.PART_OF_YEAR:
            month = 1 + 4 * _PART_INDEX[(groups["part"] or "").lower().split()[0]]
        case Precision.YEAR:
            month = 1
    return _Partial(unit, year, month, day)


def _read_single(text: str) -> _Partial | None:
    for pattern, unit in _SINGLE_FORMS:
        if match := pattern.fullmatch(text):
            return _partial(unit, match.groupdict())
    return None


def _read_pair(text: str, separator: re.Pattern[str]) -> tuple[_Partial, _Partial] | None:
    """Two ends of a range, or None. A bare day on the left takes the right end's month."""
    if separator is _RANGE_SEPARATOR:
        for pattern in _DAY_SPAN_FORMS:
            if match := pattern.fullmatch(text):
                last = _partial(Precision.DAY, match.groupdict())
                return replace(last, day=int(match["first"])), last
    for cut in separator.finditer(text):
        left, right = _read_single(text[: cut.start()]), _read_single(text[cut.end() :])
        if left is None or right is None or right.month is None:
            continue
        if left.month is None:
            if right.unit != Precision.DAY:
                continue
            left = replace(left, month=right.month)
        return left, right
    return None


def _read(text: str) -> tuple[_Partial, ...] | None:
    """One or two partial values from normalised text, or None when it is not a date."""
    single = _read_single(text)
    if single is not None and single.month is not None:
        return (single,)
    if "/" in text:
        left_text, _, right_text = text.partition("/")
        left, right = _read_single(left_text.strip()), _read_single(right_text.strip())
        if left is None or right is None or left.month is None or right.month is None:
            return None
        return left, right
    if match := _BETWEEN.fullmatch(text):
        return _read_pair(match["rest"], _AND_SEPARATOR)
    if match := _FROM.fullmatch(text):
        return _read_pair(match["rest"], _RANGE_SEPARATOR)
    return _read_pair(text, _RANGE_SEPARATOR)


def _invalid(text: str, reason: str, code: str) -> FuzzyDateError:
    return FuzzyDateError(f'"{text}" {reason} {EXAMPLES}', code=code)


def _bounds(partial: _Partial, year: int, text: str) -> tuple[date, date]:
    """The period a partial value names in `year`, refusing days the calendar does not have."""
    if not 1 <= year <= 9999:
        raise _invalid(text, f"is not a valid date: the year {year} is out of range.", "year")
    month = partial.month or 1
    if not 1 <= month <= 12:
        raise _invalid(text, f"is not a valid date: month {month} does not exist.", "nonexistent")
    if not 1 <= partial.day <= _last_day(year, month):
        day = f"{partial.day} {MONTH_NAMES[month]} {year}"
        raise _invalid(text, f"is not a valid date: {day} does not exist.", "nonexistent")
    return _PERIODS[partial.unit](date(year, month, partial.day))


def _known(*years: int | None) -> int | None:
    """The first year that is given; 0 counts as given so that it is refused, not replaced."""
    return next((year for year in years if year is not None), None)


def _no_year(text: str) -> FuzzyDateError:
    return FuzzyDateError(f'"{text}" has no year. Add one, e.g. "11 July 2025".', code="no_year")


def parse_fuzzy_date(text: str, *, default_year: int | None = None) -> FuzzyDate:
    """Read a fuzzy date as an editor types it (case and surrounding spaces do not matter).

    One value: "11 July 2025", "July 11th, 2025", "2025-09-17", "early Sept 2025",
    "mid-September 2025", "September 2025", "2025-09", "Q3 2025", "2025-Q3", "mid-2025",
    "2025". Two values make a range covering both: "17–19 September 2025",
    "September 17-19, 2025", "late 2024 – early 2025", "late 2024 or early 2025",
    "between A and B", "from A to B", "2025-09-17/2025-09-19". The result is normalised with
    `FuzzyDate.between`, so "1–30 September 2025" is the month September 2025.

    An end without a year takes the other end's; text with no year at all takes
    `default_year`, and without one is refused. Raises `FuzzyDateError` for anything else.
    """
    shown = " ".join(text.split())
    if not shown:
        raise _invalid(shown, "is empty: there is no date to read.", "empty")

    ends = _read(shown)
    if ends is None:
        raise _invalid(shown, "is not a date this app can read.", "invalid")

    first, last = ends[0], ends[-1]
    first_year = _known(first.year, last.year, default_year)
    last_year = _known(last.year, first.year, default_year)
    if first_year is None or last_year is None:
        raise _no_year(shown)
    start = _bounds(first, first_year, shown)
    if len(ends) == 1:
        return FuzzyDate.between(*start)
    end = _bounds(last, last_year, shown)
    if end[1] < start[0]:
        raise _invalid(
            shown,
            f"is not a valid range: the end ({FuzzyDate.between(*end)}) is before the start "
            f"({FuzzyDate.between(*start)}).",
            "reversed",
        )
    return FuzzyDate.between(start[0], end[1])
