"""Tests for fuzzy dates: parsing, display, normalisation, ordering and validation."""

import random
from calendar import monthrange
from dataclasses import FrozenInstanceError
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from events.fuzzydates import FuzzyDate, FuzzyDateError, Precision, parse_fuzzy_date

D = date
P = Precision
EXAMPLES_FRAGMENT = 'Try "11 July 2025", "early Sept 2025", "Q3 2025"'


# --- Parsing ---------------------------------------------------------------------------------

PARSE_CASES = [
    # ISO forms
    ("2025-09-17", D(2025, 9, 17), D(2025, 9, 17), P.DAY),
    ("2025-09", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), P.YEAR),
    ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30), P.QUARTER),
    ("2025-q1", D(2025, 1, 1), D(2025, 3, 31), P.QUARTER),
    ("Q3 2025", D(2025, 7, 1), D(2025, 9, 30), P.QUARTER),
    ("q4 2024", D(2024, 10, 1), D(2024, 12, 31), P.QUARTER),
    ("3rd quarter 2025", D(2025, 7, 1), D(2025, 9, 30), P.QUARTER),
    ("second quarter of 2025", D(2025, 4, 1), D(2025, 6, 30), P.QUARTER),
    # Days
    ("11 July 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("July 11, 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("July 11 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("July 11th, 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("11th July 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("11 Jul 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("Sept 3 2025", D(2025, 9, 3), D(2025, 9, 3), P.DAY),
    ("3 Sep. 2025", D(2025, 9, 3), D(2025, 9, 3), P.DAY),
    ("1st March 2024", D(2024, 3, 1), D(2024, 3, 1), P.DAY),
    ("29 February 2024", D(2024, 2, 29), D(2024, 2, 29), P.DAY),
    ("11 JULY 2025", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    ("  11   july 2025 \n", D(2025, 7, 11), D(2025, 7, 11), P.DAY),
    # Parts of a month
    ("early September 2025", D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH),
    ("early Sept 2025", D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH),
    ("mid-September 2025", D(2025, 9, 11), D(2025, 9, 20), P.PART_OF_MONTH),
    ("mid September 2025", D(2025, 9, 11), D(2025, 9, 20), P.PART_OF_MONTH),
    ("late Sep 2025", D(2025, 9, 21), D(2025, 9, 30), P.PART_OF_MONTH),
    ("Late Feb. 2024", D(2024, 2, 21), D(2024, 2, 29), P.PART_OF_MONTH),
    ("late February 2025", D(2025, 2, 21), D(2025, 2, 28), P.PART_OF_MONTH),
    ("late December 2025", D(2025, 12, 21), D(2025, 12, 31), P.PART_OF_MONTH),
    ("beginning of September 2025", D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH),
    ("end of September 2025", D(2025, 9, 21), D(2025, 9, 30), P.PART_OF_MONTH),
    # Months
    ("September 2025", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
    ("Sept 2025", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
    ("Sept. 2025", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
    ("Feb 2024", D(2024, 2, 1), D(2024, 2, 29), P.MONTH),
    # Parts of a year
    ("early 2025", D(2025, 1, 1), D(2025, 4, 30), P.PART_OF_YEAR),
    ("mid-2025", D(2025, 5, 1), D(2025, 8, 31), P.PART_OF_YEAR),
    ("mid 2025", D(2025, 5, 1), D(2025, 8, 31), P.PART_OF_YEAR),
    ("late 2024", D(2024, 9, 1), D(2024, 12, 31), P.PART_OF_YEAR),
    # Ranges
    ("2025-09-17/2025-09-19", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("2025-09/2025-10", D(2025, 9, 1), D(2025, 10, 31), P.RANGE),
    ("2024/2025-Q1", D(2024, 1, 1), D(2025, 3, 31), P.RANGE),
    ("2025-07-01/2025-09-30", D(2025, 7, 1), D(2025, 9, 30), P.QUARTER),
    ("17–19 September 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("17-19 September 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("September 17-19, 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("September 17–19 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("Sept 17 - 19, 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("17 to 19 September 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("between 17 and 19 September 2025", D(2025, 9, 17), D(2025, 9, 19), P.RANGE),
    ("1–30 September 2025", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
    ("1-10 September 2025", D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH),
    ("17–17 September 2025", D(2025, 9, 17), D(2025, 9, 17), P.DAY),
    ("late 2024 – early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("late 2024 - early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("late 2024 — early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("late 2024 to early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("between late 2024 and early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("from late 2024 to early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("late 2024 or early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("Late 2024 OR Early 2025", D(2024, 9, 1), D(2025, 4, 30), P.RANGE),
    ("28 August – 2 September 2025", D(2025, 8, 28), D(2025, 9, 2), P.RANGE),
    ("September – October 2025", D(2025, 9, 1), D(2025, 10, 31), P.RANGE),
    ("Q3 – Q4 2025", D(2025, 7, 1), D(2025, 12, 31), P.RANGE),
    ("Q1 - Q4 2025", D(2025, 1, 1), D(2025, 12, 31), P.YEAR),
    ("January – April 2025", D(2025, 1, 1), D(2025, 4, 30), P.PART_OF_YEAR),
    ("2024 – 2026", D(2024, 1, 1), D(2026, 12, 31), P.RANGE),
    ("2025 or 2026", D(2025, 1, 1), D(2026, 12, 31), P.RANGE),
    ("11 July 2025 – 2025", D(2025, 7, 11), D(2025, 12, 31), P.RANGE),
    ("September 2025 – late September 2025", D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
]


@pytest.mark.parametrize(("text", "earliest", "latest", "precision"), PARSE_CASES)
def test_parse(text: str, earliest: date, latest: date, precision: Precision) -> None:
    value = parse_fuzzy_date(text)
    assert (value.earliest, value.latest, value.precision) == (earliest, latest, precision)
    assert FuzzyDate.parse(text) == value


MONTH_SPELLINGS = [
    (1, ["January", "Jan", "Jan."]),
    (2, ["February", "Feb", "Feb."]),
    (3, ["March", "Mar", "Mar."]),
    (4, ["April", "Apr", "Apr."]),
    (5, ["May", "May."]),
    (6, ["June", "Jun", "Jun."]),
    (7, ["July", "Jul", "Jul."]),
    (8, ["August", "Aug", "Aug."]),
    (9, ["September", "Sep", "Sep.", "Sept", "Sept."]),
    (10, ["October", "Oct", "Oct."]),
    (11, ["November", "Nov", "Nov."]),
    (12, ["December", "Dec", "Dec."]),
]


@pytest.mark.parametrize(
    ("month", "spelling"),
    [(month, spelling) for month, spellings in MONTH_SPELLINGS for spelling in spellings],
)
def test_month_names_full_and_abbreviated(month: int, spelling: str) -> None:
    last = monthrange(2025, month)[1]
    assert parse_fuzzy_date(f"{spelling} 2025") == FuzzyDate(
        D(2025, month, 1), D(2025, month, last), P.MONTH
    )
    assert parse_fuzzy_date(f"5 {spelling} 2025") == FuzzyDate.day(D(2025, month, 5))
    assert parse_fuzzy_date(f"{spelling.upper()} 5, 2025") == FuzzyDate.day(D(2025, month, 5))


def test_default_year_fills_a_missing_year() -> None:
    assert parse_fuzzy_date("July 11th", default_year=2025) == FuzzyDate.day(D(2025, 7, 11))
    assert FuzzyDate.parse("early September", default_year=2025) == FuzzyDate(
        D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH
    )
    assert str(parse_fuzzy_date("Q3", default_year=2024)) == "Q3 2024"
    assert str(parse_fuzzy_date("September – October", default_year=2025)) == (
        "September – October 2025"
    )
    assert str(parse_fuzzy_date("28 August – 2 September", default_year=2025)) == (
        "28 August – 2 September 2025"
    )


def test_a_written_year_beats_the_default_year() -> None:
    assert parse_fuzzy_date("11 July 2024", default_year=2025) == FuzzyDate.day(D(2024, 7, 11))
    assert str(parse_fuzzy_date("September – October 2024", default_year=2025)) == (
        "September – October 2024"
    )


def test_missing_year_without_default_is_refused() -> None:
    with pytest.raises(FuzzyDateError) as caught:
        parse_fuzzy_date("July 11th")
    assert str(caught.value) == '"July 11th" has no year. Add one, e.g. "11 July 2025".'
    assert caught.value.code == "no_year"


@pytest.mark.parametrize("text", ["early September", "Q3", "September – October", "17–19 Sept"])
def test_other_yearless_values_are_refused(text: str) -> None:
    with pytest.raises(FuzzyDateError, match="has no year"):
        parse_fuzzy_date(text)


# --- Display ---------------------------------------------------------------------------------

DISPLAY_CASES = [
    (FuzzyDate.day(D(2025, 7, 11)), "11 July 2025"),
    (FuzzyDate.day(D(2025, 9, 3)), "3 September 2025"),
    (FuzzyDate(D(2025, 9, 1), D(2025, 9, 10), P.PART_OF_MONTH), "early September 2025"),
    (FuzzyDate(D(2025, 9, 11), D(2025, 9, 20), P.PART_OF_MONTH), "mid-September 2025"),
    (FuzzyDate(D(2025, 9, 21), D(2025, 9, 30), P.PART_OF_MONTH), "late September 2025"),
    (FuzzyDate(D(2025, 9, 1), D(2025, 9, 30), P.MONTH), "September 2025"),
    (FuzzyDate(D(2025, 7, 1), D(2025, 9, 30), P.QUARTER), "Q3 2025"),
    (FuzzyDate(D(2025, 1, 1), D(2025, 4, 30), P.PART_OF_YEAR), "early 2025"),
    (FuzzyDate(D(2025, 5, 1), D(2025, 8, 31), P.PART_OF_YEAR), "mid-2025"),
    (FuzzyDate(D(2025, 9, 1), D(2025, 12, 31), P.PART_OF_YEAR), "late 2025"),
    (FuzzyDate(D(2025, 1, 1), D(2025, 12, 31), P.YEAR), "2025"),
    (FuzzyDate(D(2025, 9, 17), D(2025, 9, 19), P.RANGE), "17–19 September 2025"),
    (FuzzyDate(D(2025, 8, 28), D(2025, 9, 2), P.RANGE), "28 August – 2 September 2025"),
    (FuzzyDate(D(2024, 12, 30), D(2025, 1, 2), P.RANGE), "30 December 2024 – 2 January 2025"),
    (FuzzyDate(D(2025, 9, 1), D(2025, 10, 31), P.RANGE), "September – October 2025"),
    (FuzzyDate(D(2024, 12, 1), D(2025, 1, 31), P.RANGE), "December 2024 – January 2025"),
    (FuzzyDate(D(2025, 7, 1), D(2025, 12, 31), P.RANGE), "Q3 – Q4 2025"),
    (FuzzyDate(D(2024, 10, 1), D(2025, 3, 31), P.RANGE), "Q4 2024 – Q1 2025"),
    (FuzzyDate(D(2024, 9, 1), D(2025, 4, 30), P.RANGE), "late 2024 – early 2025"),
    (FuzzyDate(D(2024, 1, 1), D(2026, 12, 31), P.RANGE), "2024 – 2026"),
    (
        FuzzyDate(D(2025, 9, 11), D(2025, 10, 10), P.RANGE),
        "mid-September 2025 – early October 2025",
    ),
    (FuzzyDate(D(2025, 1, 1), D(2025, 8, 31), P.RANGE), "early 2025 – mid-2025"),
    (
        FuzzyDate(D(2025, 9, 1), D(2025, 9, 20), P.RANGE),
        "early September 2025 – mid-September 2025",
    ),
    (FuzzyDate(D(2025, 9, 1), D(2025, 9, 15), P.RANGE), "1–15 September 2025"),
]


@pytest.mark.parametrize(("value", "text"), DISPLAY_CASES)
def test_display(value: FuzzyDate, text: str) -> None:
    assert str(value) == text
    assert value.human == text


@pytest.mark.parametrize(("value", "text"), DISPLAY_CASES)
def test_every_display_form_parses_back(value: FuzzyDate, text: str) -> None:
    assert parse_fuzzy_date(text) == value


def test_years_before_1000_are_written_with_four_digits() -> None:
    value = FuzzyDate.day(D(17, 7, 11))
    assert str(value) == "11 July 0017"
    assert parse_fuzzy_date(str(value)) == value
    assert str(FuzzyDate.between(D(17, 1, 1), D(18, 12, 31))) == "0017 – 0018"


# --- Normalisation and construction ----------------------------------------------------------


@pytest.mark.parametrize(
    ("earliest", "latest", "precision"),
    [
        (D(2025, 9, 17), D(2025, 9, 17), P.DAY),
        (D(2025, 9, 11), D(2025, 9, 20), P.PART_OF_MONTH),
        (D(2025, 2, 21), D(2025, 2, 28), P.PART_OF_MONTH),
        (D(2025, 9, 1), D(2025, 9, 30), P.MONTH),
        (D(2025, 10, 1), D(2025, 12, 31), P.QUARTER),
        (D(2025, 5, 1), D(2025, 8, 31), P.PART_OF_YEAR),
        (D(2025, 1, 1), D(2025, 12, 31), P.YEAR),
        (D(2025, 9, 1), D(2025, 9, 11), P.RANGE),
        (D(2025, 1, 1), D(2025, 6, 30), P.RANGE),
    ],
)
def test_between_picks_the_finest_precision(
    earliest: date, latest: date, precision: Precision
) -> None:
    assert FuzzyDate.between(earliest, latest) == FuzzyDate(earliest, latest, precision)


def test_day_constructor() -> None:
    assert FuzzyDate.day(D(2025, 7, 11)) == FuzzyDate(D(2025, 7, 11), D(2025, 7, 11), P.DAY)


def test_precision_given_as_its_stored_string_becomes_the_member() -> None:
    value = FuzzyDate(D(2025, 9, 1), D(2025, 9, 30), "month")  # type: ignore[arg-type]
    assert value.precision is Precision.MONTH


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "fragment"),
    [
        (D(2025, 9, 2), D(2025, 9, 1), P.DAY, "before the start"),
        (D(2025, 9, 19), D(2025, 9, 17), P.RANGE, "before the start"),
        (D(2025, 9, 1), D(2025, 9, 2), P.DAY, "not a single day"),
        (D(2025, 9, 1), D(2025, 9, 11), P.PART_OF_MONTH, "not one part of a month"),
        (D(2025, 9, 2), D(2025, 9, 10), P.PART_OF_MONTH, "not one part of a month"),
        (D(2025, 9, 21), D(2025, 9, 29), P.PART_OF_MONTH, "not one part of a month"),
        (D(2025, 9, 1), D(2025, 9, 29), P.MONTH, "not one whole month"),
        (D(2025, 8, 1), D(2025, 9, 30), P.MONTH, "not one whole month"),
        (D(2025, 7, 1), D(2025, 9, 29), P.QUARTER, "not one whole quarter"),
        (D(2025, 1, 1), D(2025, 3, 31), P.PART_OF_YEAR, "not one part of a year"),
        (D(2025, 1, 1), D(2025, 12, 30), P.YEAR, "not one whole year"),
        (D(2025, 9, 1), D(2025, 9, 30), P.RANGE, 'so its precision is "month"'),
        (D(2025, 9, 17), D(2025, 9, 17), P.RANGE, 'so its precision is "day"'),
        (D(2025, 1, 1), D(2025, 12, 31), P.RANGE, 'so its precision is "year"'),
    ],
)
def test_constructor_refuses_inconsistent_values(
    earliest: date, latest: date, precision: Precision, fragment: str
) -> None:
    with pytest.raises(FuzzyDateError, match=fragment):
        FuzzyDate(earliest, latest, precision)


def test_constructor_refuses_unknown_precision_and_non_dates() -> None:
    with pytest.raises(FuzzyDateError, match="not a fuzzy date precision"):
        FuzzyDate(D(2025, 9, 1), D(2025, 9, 30), "fortnight")  # type: ignore[arg-type]
    with pytest.raises(FuzzyDateError, match="must be a date"):
        FuzzyDate(datetime(2025, 9, 1), D(2025, 9, 1), P.DAY)
    with pytest.raises(FuzzyDateError, match="must be a date"):
        FuzzyDate(D(2025, 9, 1), "2025-09-01", P.DAY)  # type: ignore[arg-type]


def test_between_refuses_reversed_bounds() -> None:
    with pytest.raises(FuzzyDateError, match="before the start"):
        FuzzyDate.between(D(2025, 9, 2), D(2025, 9, 1))


def test_values_are_frozen_and_hashable() -> None:
    value = FuzzyDate.day(D(2025, 7, 11))
    with pytest.raises(FrozenInstanceError):
        value.earliest = D(2025, 7, 12)  # type: ignore[misc]
    assert len({value, FuzzyDate.day(D(2025, 7, 11)), parse_fuzzy_date("July 11, 2025")}) == 1


# --- Ordering and comparisons ----------------------------------------------------------------


def test_sorting_mixed_values_orders_by_earliest_then_latest() -> None:
    expected = [
        parse_fuzzy_date("2024"),
        parse_fuzzy_date("late 2024 – early 2025"),
        parse_fuzzy_date("1 January 2025"),
        parse_fuzzy_date("early January 2025"),
        parse_fuzzy_date("January 2025"),
        parse_fuzzy_date("Q1 2025"),
        parse_fuzzy_date("early 2025"),
        parse_fuzzy_date("2025"),
        parse_fuzzy_date("2025 – 2026"),
        parse_fuzzy_date("mid-September 2025"),
        parse_fuzzy_date("17–19 September 2025"),
        parse_fuzzy_date("18 September 2025"),
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    result = sorted(shuffled)
    assert result == expected
    assert [value.sort_key() for value in result] == sorted(value.sort_key() for value in expected)
    assert sorted(shuffled, key=FuzzyDate.sort_key) == expected


def test_comparison_operators() -> None:
    early, late = parse_fuzzy_date("early 2025"), parse_fuzzy_date("late 2025")
    assert early < late
    assert early <= late
    assert late > early
    assert late >= early
    assert early <= parse_fuzzy_date("January – April 2025")
    assert early != late
    with pytest.raises(TypeError):
        _ = early < D(2025, 1, 1)


def test_sort_key() -> None:
    assert parse_fuzzy_date("Q3 2025").sort_key() == (D(2025, 7, 1), D(2025, 9, 30))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 9, 1), D(2025, 9, 30), True),
        (D(2025, 9, 20), D(2025, 9, 25), True),
        (D(2025, 9, 10), D(2025, 9, 11), True),
        (D(2025, 9, 1), D(2025, 9, 10), True),
        (D(2025, 9, 21), D(2025, 9, 21), True),
        (D(2025, 9, 22), D(2025, 10, 5), False),
        (D(2025, 1, 1), D(2025, 9, 9), False),
    ],
)
def test_overlaps_is_inclusive(start: date, end: date, expected: bool) -> None:
    assert FuzzyDate.between(D(2025, 9, 10), D(2025, 9, 21)).overlaps(start, end) is expected


def test_overlaps_refuses_a_reversed_window() -> None:
    with pytest.raises(ValueError, match="start <= end"):
        parse_fuzzy_date("2025").overlaps(D(2025, 9, 2), D(2025, 9, 1))


def test_is_before_means_certainly_before() -> None:
    september = parse_fuzzy_date("September 2025")
    assert parse_fuzzy_date("early 2025").is_before(september)
    assert parse_fuzzy_date("31 August 2025").is_before(september)
    assert not parse_fuzzy_date("1 September 2025").is_before(september)
    assert not parse_fuzzy_date("mid-2025").is_before(parse_fuzzy_date("31 August 2025"))
    assert not september.is_before(parse_fuzzy_date("Q3 2025"))
    assert not september.is_before(parse_fuzzy_date("early 2025"))


# --- Errors ----------------------------------------------------------------------------------

ERROR_CASES = [
    ("", '"" is empty'),
    ("   ", '"" is empty'),
    ("next Tuesday", '"next Tuesday" is not a date this app can read'),
    ("soon", '"soon" is not a date this app can read'),
    ("17", '"17" is not a date this app can read'),
    ("Q5 2025", '"Q5 2025" is not a date this app can read'),
    ("early", '"early" is not a date this app can read'),
    ("late 2024 – soon", "is not a date this app can read"),
    ("32 July 2025", '"32 July 2025" is not a valid date: 32 July 2025 does not exist'),
    ("0 July 2025", "0 July 2025 does not exist"),
    ("2025-02-30", '"2025-02-30" is not a valid date: 30 February 2025 does not exist'),
    ("February 30 2025", "30 February 2025 does not exist"),
    ("29 February 2025", "29 February 2025 does not exist"),
    ("2025-13", "month 13 does not exist"),
    ("2025-09-17/2025-09-31", "31 September 2025 does not exist"),
    ("0000", "the year 0 is out of range"),
    (
        "19–17 September 2025",
        '"19–17 September 2025" is not a valid range: the end (17 September 2025) is before '
        "the start (19 September 2025)",
    ),
    (
        "2025-09-19/2025-09-17",
        "the end (17 September 2025) is before the start (19 September 2025)",
    ),
    ("early 2025 – late 2024", "the end (late 2024) is before the start (early 2025)"),
    ("December – January 2025", "the end (January 2025) is before the start (December 2025)"),
]


@pytest.mark.parametrize(("text", "fragment"), ERROR_CASES)
def test_bad_input_is_refused_with_a_helpful_message(text: str, fragment: str) -> None:
    with pytest.raises(FuzzyDateError) as caught:
        parse_fuzzy_date(text)
    message = str(caught.value)
    assert fragment in message
    assert EXAMPLES_FRAGMENT in message
    assert message.endswith('"late 2024 – early 2025" or "2025-09-17/2025-09-19".')


def test_error_is_a_django_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_fuzzy_date("soon")
    assert caught.value.messages == [str(caught.value)]
    assert caught.value.code == "invalid"


# --- Properties ------------------------------------------------------------------------------

UNITS = [P.DAY, P.PART_OF_MONTH, P.MONTH, P.QUARTER, P.PART_OF_YEAR, P.YEAR]
DATES = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))


def period(unit: Precision, d: date) -> tuple[date, date]:
    """An independent statement of the calendar periods, to check the module against."""
    last = monthrange(d.year, d.month)[1]
    match unit:
        case P.DAY:
            return d, d
        case P.PART_OF_MONTH:
            starts, ends = (1, 11, 21), (10, 20, last)
            index = 0 if d.day <= 10 else 1 if d.day <= 20 else 2
            return d.replace(day=starts[index]), d.replace(day=ends[index])
        case P.MONTH:
            return d.replace(day=1), d.replace(day=last)
        case P.QUARTER:
            first = {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4, 7: 7, 8: 7, 9: 7}.get(d.month, 10)
            return D(d.year, first, 1), D(d.year, first + 2, monthrange(d.year, first + 2)[1])
        case P.PART_OF_YEAR:
            first = 1 if d.month <= 4 else 5 if d.month <= 8 else 9
            return D(d.year, first, 1), D(d.year, first + 3, monthrange(d.year, first + 3)[1])
        case _:
            return D(d.year, 1, 1), D(d.year, 12, 31)


@st.composite
def fuzzy_dates(draw: st.DrawFn) -> FuzzyDate:
    """Any value: one period of any unit, or two dates snapped outwards to a unit's periods."""
    precision = draw(st.sampled_from(list(Precision)))
    if precision != P.RANGE:
        return FuzzyDate(*period(precision, draw(DATES)), precision)
    first, second = sorted([draw(DATES), draw(DATES)])
    unit = draw(st.sampled_from(UNITS))
    return FuzzyDate.between(period(unit, first)[0], period(unit, second)[1])


@settings(max_examples=300, database=None)
@given(fuzzy_dates())
def test_display_round_trips_through_parse(value: FuzzyDate) -> None:
    assert parse_fuzzy_date(str(value)) == value


@settings(max_examples=300, database=None)
@given(fuzzy_dates())
def test_between_of_own_bounds_is_identity(value: FuzzyDate) -> None:
    assert FuzzyDate.between(value.earliest, value.latest) == value


@settings(max_examples=300, database=None)
@given(st.text(), st.none() | st.integers(min_value=-10, max_value=10_010))
def test_parse_raises_only_fuzzy_date_error_on_any_text(text: str, default_year: int | None):
    try:
        value = parse_fuzzy_date(text, default_year=default_year)
    except FuzzyDateError:
        return
    assert value.earliest <= value.latest


TOKENS = st.sampled_from(
    [
        "early", "mid", "mid-", "late", "between", "and", "from", "to", "or", "-", "–", "—",
        "/", ",", ".", "of", "quarter", "3rd", "Q3", "Q0", "Sept", "Feb.", "May", "December",
        "0", "7", "17", "29", "31", "32", "99", "0000", "1900", "2025", "9999", "2025-02-30",
        "2025-13", "2025-Q3", "th",
    ]
)  # fmt: skip


@settings(max_examples=300, database=None)
@given(st.lists(TOKENS, max_size=7), st.sampled_from([" ", ""]), st.none() | st.just(2025))
def test_parse_raises_only_fuzzy_date_error_on_date_like_text(
    tokens: list[str], joiner: str, default_year: int | None
) -> None:
    try:
        value = parse_fuzzy_date(joiner.join(tokens), default_year=default_year)
    except FuzzyDateError:
        return
    assert FuzzyDate.between(value.earliest, value.latest) == value
    assert parse_fuzzy_date(str(value)) == value


@pytest.mark.parametrize(
    ("text", "machine"),
    [
        ("3 September 2025", "2025-09-03"),
        ("September 2025", "2025-09"),
        ("early September 2025", "2025-09"),
        ("16–19 September 2025", "2025-09"),
        ("Q3 2025", "2025"),
        ("late 2025", "2025"),
        ("2025", "2025"),
        ("late August – early September 2025", "2025"),
        ("late 2024 – early 2025", None),
    ],
)
def test_html_datetime_is_the_day_month_or_year_that_holds_the_value(
    text: str, machine: str | None
) -> None:
    assert parse_fuzzy_date(text).html_datetime == machine
