"""Intake dates as reporters write them: weekdays, relative days and periods, days without a year,
datelines — each resolved against the publication date, with its reasoning, its precision, and a
flag when a careful reader could not tell."""

from datetime import date

import pytest

from events.intake import Suggestion, analyse

FRIDAY = date(2025, 9, 12)  # publication date of most examples: Friday 12 September 2025


@pytest.fixture(autouse=True)
def _database(db):
    """analyse() reads the known actors; these sentences need none."""


def dates(text: str, published: date = FRIDAY) -> dict[str, Suggestion]:
    found = {s.text: s for s in analyse(text, published=published) if s.kind == "date"}
    for s in found.values():
        assert text[s.start : s.end] == s.text
        assert s.value["reasoning"].endswith(".") and s.value["reasoning"].count(". ") == 0
    return found


def days(suggestion: Suggestion) -> tuple[str, str]:
    return suggestion.value["earliest"], suggestion.value["latest"]


# --- Weekdays ------------------------------------------------------------------------------------


def test_weekday_in_a_past_sentence_is_the_one_before_publication():
    found = dates("The two ministers met on Tuesday in Geneva.")
    tuesday = found["Tuesday"]
    assert days(tuesday) == ("2025-09-09", "2025-09-09")
    assert tuesday.value["precision"] == "day"
    assert tuesday.value["ambiguous"] is False and tuesday.flag == ""
    assert tuesday.value["reasoning"] == (
        "“Tuesday” in a past-tense sentence (“met”): the Tuesday before publication "
        "(Friday 12 September 2025)."
    )


def test_weekday_in_a_future_sentence_is_the_one_after_publication():
    assert days(dates("The envoy will fly to Hanoi on Tuesday.")["Tuesday"]) == (
        "2025-09-16",
        "2025-09-16",
    )
    # An infinitive looks ahead too, even after a past verb: "agreed on Monday to meet on …".
    found = dates("They agreed on Monday to meet again on Thursday.")
    assert days(found["Monday"]) == ("2025-09-08", "2025-09-08")
    assert days(found["Thursday"]) == ("2025-09-18", "2025-09-18")


def test_passive_future_is_not_read_as_past():
    found = dates("The next round will be held on Wednesday.")
    assert days(found["Wednesday"]) == ("2025-09-17", "2025-09-17")
    assert "“will be”" in found["Wednesday"].value["reasoning"]


def test_publications_own_weekday_is_the_publication_day():
    found = dates("The ministry said on Friday that talks were over.")
    assert days(found["Friday"]) == ("2025-09-12", "2025-09-12")
    assert "publication day" in found["Friday"].value["reasoning"]


def test_weekday_without_tense_is_ambiguous_and_covers_both():
    found = dates("Talks in Manila on Tuesday.")
    tuesday = found["Tuesday"]
    assert days(tuesday) == ("2025-09-09", "2025-09-16")
    assert tuesday.value["ambiguous"] is True
    assert tuesday.value["precision"] == "range"
    assert tuesday.flag.startswith("“Tuesday” could be Tuesday 9 September 2025 or Tuesday 16")


def test_a_plan_made_in_the_past_gives_no_direction():
    found = dates("The envoy was due to travel to Seoul on Wednesday.")
    assert found["Wednesday"].value["ambiguous"] is True


def test_last_and_next_weekday_are_in_the_previous_and_following_week():
    # Written on a Friday: the Saturday before, the Thursday after this week's.
    found = dates("They spoke last Saturday and will speak again next Thursday.")
    assert days(found["last Saturday"]) == ("2025-09-06", "2025-09-06")
    assert days(found["next Thursday"]) == ("2025-09-18", "2025-09-18")
    assert not found["last Saturday"].flag and not found["next Thursday"].flag


def test_last_or_next_weekday_that_could_be_this_week_is_flagged():
    # Written on a Friday, "last Wednesday" may be two days or nine days before.
    last = dates("They spoke last Wednesday.")["last Wednesday"]
    assert days(last) == ("2025-09-03", "2025-09-10")
    assert last.value["ambiguous"] is True and last.flag
    # Written on a Monday, "next Friday" may be four days or eleven days after.
    following = dates("Talks resume next Friday.", published=date(2025, 9, 8))["next Friday"]
    assert days(following) == ("2025-09-12", "2025-09-19")
    assert following.value["ambiguous"] is True


def test_this_weekday_and_weekday_of_a_named_week():
    found = dates("The panel met this Wednesday. A vote follows on Tuesday next week.")
    assert days(found["this Wednesday"]) == ("2025-09-10", "2025-09-10")
    assert days(found["Tuesday next week"]) == ("2025-09-16", "2025-09-16")


def test_weekday_as_subject_possessive_or_with_time_of_day_is_a_date():
    found = dates("Tuesday's call was short. Monday night the ministry issued a statement.")
    assert days(found["Tuesday"]) == ("2025-09-09", "2025-09-09")
    assert days(found["Monday night"]) == ("2025-09-08", "2025-09-08")


def test_weekdays_inside_names_are_no_dates():
    text = (
        "The Good Friday Agreement was cited. Black Monday was recalled. "
        "The Sunday Times reported the talks."
    )
    assert dates(text) == {}
    assert dates("Talks are held every Tuesday, and on the last Friday of each month.") == {}
    assert days(dates("The Tuesday meeting was short.")["Tuesday"]) == ("2025-09-09", "2025-09-09")


def test_weekday_before_a_full_date_is_one_date_and_checked():
    found = dates("On Tuesday, September 9, 2025, the two spoke by video.")
    assert list(found) == ["Tuesday, September 9, 2025"]
    assert found["Tuesday, September 9, 2025"].flag == ""
    wrong = dates("On Wednesday, September 9, 2025, the two spoke.")
    assert wrong["Wednesday, September 9, 2025"].flag == (
        "9 September 2025 is a Tuesday, not a Wednesday: check the date."
    )


# --- Relative days and periods -------------------------------------------------------------------


def test_days_counted_from_publication():
    found = dates("Yesterday the envoy landed. Today he rests. Tomorrow he flies on.")
    assert days(found["Yesterday"]) == ("2025-09-11", "2025-09-11")
    assert days(found["Today"]) == ("2025-09-12", "2025-09-12")
    assert days(found["Tomorrow"]) == ("2025-09-13", "2025-09-13")
    assert all(s.value["relative"] for s in found.values())


def test_weeks_months_and_years_around_publication():
    found = dates(
        "Officials met last week, talk again this week and sign next week. "
        "It began last month and ends next month. This year is calm; last year was not."
    )
    assert days(found["last week"]) == ("2025-09-01", "2025-09-07")
    assert days(found["this week"]) == ("2025-09-08", "2025-09-14")
    assert days(found["next week"]) == ("2025-09-15", "2025-09-21")
    assert (found["last month"].value["human"], found["last month"].value["precision"]) == (
        "August 2025",
        "month",
    )
    assert found["next month"].value["human"] == "October 2025"
    assert found["This year"].value["precision"] == "year"
    assert found["last year"].value["human"] == "2024"


def test_earlier_and_later_in_a_period_stop_at_publication():
    found = dates(
        "A call was proposed earlier this month. Talks follow later this month. "
        "Trade fell earlier this year and may recover later this year."
    )
    assert days(found["earlier this month"]) == ("2025-09-01", "2025-09-11")
    assert days(found["later this month"]) == ("2025-09-13", "2025-09-30")
    assert days(found["earlier this year"]) == ("2025-01-01", "2025-09-11")
    assert days(found["later this year"]) == ("2025-09-13", "2025-12-31")


def test_part_of_a_relative_period_keeps_its_precision():
    found = dates("A summit is due at the end of next month, and a visit early next year.")
    end = found["the end of next month"]
    assert (days(end), end.value["precision"]) == (("2025-10-21", "2025-10-31"), "part_of_month")
    early = found["early next year"]
    assert (days(early), early.value["precision"]) == (("2026-01-01", "2026-04-30"), "part_of_year")
    week = dates("They met late last week.")["late last week"]
    assert days(week) == ("2025-09-04", "2025-09-07")


def test_before_the_end_of_a_period_starts_tomorrow_only_when_looking_ahead():
    ahead = dates("Both sides will meet before the end of the year.")["before the end of the year"]
    assert days(ahead) == ("2025-09-13", "2025-12-31")
    back = dates("He was back before the end of the week.")["before the end of the week"]
    assert days(back) == ("2025-09-08", "2025-09-14")


def test_vague_periods_are_ranges_flagged_ambiguous():
    found = dates("In recent weeks the line was quiet. Talks may resume in the coming weeks.")
    recent = found["In recent weeks"]
    assert recent.value["latest"] == "2025-09-12" and recent.value["ambiguous"] is True
    coming = found["in the coming weeks"]
    assert coming.value["earliest"] == "2025-09-12" and coming.value["latest"] >= "2025-10-12"
    assert coming.value["ambiguous"] is True and "vague" in coming.flag


def test_ago_counts_back_from_publication():
    found = dates("Two weeks ago the envoy left; three days ago he wrote.")
    assert days(found["Two weeks ago"]) == ("2025-08-25", "2025-08-31")
    assert days(found["three days ago"]) == ("2025-09-09", "2025-09-09")


def test_steps_count_from_the_day_named_before():
    found = dates("The ministers met on 2 September. Ten days earlier their aides had spoken.")
    earlier = found["Ten days earlier"]
    assert days(earlier) == ("2025-08-23", "2025-08-23")
    assert earlier.flag == "" and "“2 September”" in earlier.value["reasoning"]
    found = dates("Hegseth called on Monday. The following day, Dong replied.")
    assert days(found["The following day"]) == ("2025-09-09", "2025-09-09")


def test_steps_with_nothing_to_count_from_are_flagged():
    later = dates("Three days later the ministry replied.")["Three days later"]
    assert later.value["ambiguous"] is True
    assert later.flag.startswith("“Three days later” counts from a day the report does not name")
    after = dates("Rubio called a day after the two militaries spoke.")["a day after"]
    assert after.value["ambiguous"] is True and after.flag


def test_step_before_an_event_dates_the_event():
    # "X on 10 October, two days after Y": Y happened on 8 October.
    found = dates("The round was postponed on 10 October, two days after a collision at sea.")
    assert days(found["two days after"]) == ("2025-10-08", "2025-10-08")
    assert found["two days after"].flag == ""


def test_weekends_follow_the_tense():
    found = dates("Over the weekend the ministry said nothing. At the weekend envoys will meet.")
    assert days(found["Over the weekend"]) == ("2025-09-06", "2025-09-07")
    assert days(found["At the weekend"]) == ("2025-09-13", "2025-09-14")


def test_seasons():
    found = dates("The dispute dominated the summer; a meeting may follow later in the autumn.")
    assert days(found["the summer"]) == ("2025-06-01", "2025-08-31")
    assert days(found["later in the autumn"]) == ("2025-09-13", "2025-11-30")


# --- Days without a year -------------------------------------------------------------------------


def test_day_without_year_is_read_in_the_publication_year():
    found = dates("Hegseth and Dong spoke on Sept 9.")
    assert days(found["Sept 9"]) == ("2025-09-09", "2025-09-09")
    assert found["Sept 9"].value["reasoning"] == (
        "“Sept 9” has no year: read in 2025, the publication year."
    )


def test_past_sentence_early_in_the_year_reads_last_december():
    found = dates("The two sides met on 20 December.", published=date(2026, 1, 5))
    met = found["20 December"]
    assert days(met) == ("2025-12-20", "2025-12-20")
    assert "the year before publication" in met.value["reasoning"]
    assert "“met”" in met.value["reasoning"]


def test_future_sentence_late_in_the_year_reads_next_january():
    found = dates("Envoys will meet on 9 January.", published=date(2025, 12, 20))
    assert days(found["9 January"]) == ("2026-01-09", "2026-01-09")
    assert dates("Envoys will meet in March.")["March"].value["human"] == "March 2026"


def test_expected_date_just_gone_stays_and_is_flagged():
    # A forward sentence about a date a few weeks gone is a stale plan, not next year's.
    found = dates("The forum is expected to open on 20 August.")
    opening = found["20 August"]
    assert days(opening) == ("2025-08-20", "2025-08-20")
    assert opening.flag.startswith("Expected date 20 August 2025 lies before the publication date")


def test_weekday_picks_the_year_of_a_day_without_one():
    # Published in January 2026: "Tuesday, 30 December" only fits 2025.
    found = dates("On Tuesday, 30 December, the envoys met.", published=date(2026, 1, 6))
    assert days(found["Tuesday, 30 December"]) == ("2025-12-30", "2025-12-30")


# --- Datelines -----------------------------------------------------------------------------------


def test_datelines_are_dates():
    found = dates("BEIJING, Sept 12 (Wire) – China said on Friday it was open to talks.")
    dateline = found["Sept 12"]
    assert days(dateline) == ("2025-09-12", "2025-09-12")
    assert dateline.value["dateline"] is True and dateline.flag == ""
    found = dates("WASHINGTON, 10 September 2025 — Officials met.")
    assert found["10 September 2025"].value["dateline"] is True
    assert found["10 September 2025"].flag.startswith("The dateline says 10 September 2025")


def test_quoted_words_keep_their_own_tense():
    # The reporting verb after the quotation does not make the quoted plan past.
    found = dates("“We meet on Monday,” the envoy said.")
    assert found["Monday"].value["ambiguous"] is True


def test_two_days_joined_by_and_are_one_span():
    found = dates("Envoys met on 9 and 10 September.")
    assert days(found["9 and 10 September"]) == ("2025-09-09", "2025-09-10")


def test_same_day_and_windows_from_publication():
    found = dates("Hegseth called on Monday. The same day, Dong replied.")
    assert days(found["The same day"]) == ("2025-09-08", "2025-09-08")
    found = dates("Talks could resume within two weeks. Trade fell over the past three months.")
    assert days(found["within two weeks"]) == ("2025-09-12", "2025-09-26")
    assert days(found["over the past three months"]) == ("2025-06-12", "2025-09-12")


def test_present_tense_leaves_the_weekday_open():
    # "takes effect" is nearer than "signed": a present tense does not say which Monday.
    found = dates("The accord signed on Sept 9 takes effect on Monday.")
    assert found["Monday"].value["ambiguous"] is True
    assert days(found["Sept 9"]) == ("2025-09-09", "2025-09-09")


def test_halves_and_weeks_of_a_month_or_year():
    found = dates("Talks had been expected in the second half of October.")
    assert days(found["the second half of October"]) == ("2025-10-16", "2025-10-31")
    found = dates("A review is due in the first half of 2026, by the second week of December.")
    assert days(found["the first half of 2026"]) == ("2026-01-01", "2026-06-30")
    assert days(found["the second week of December"]) == ("2025-12-08", "2025-12-14")


def test_rest_of_the_year_and_the_new_year():
    found = dates("Talks are off for the rest of the year and may resume early in the new year.")
    assert days(found["the rest of the year"]) == ("2025-09-12", "2025-12-31")
    assert days(found["early in the new year"]) == ("2026-01-01", "2026-04-30")


def test_time_of_day_after_a_named_day():
    found = dates("The first lock-on came on Saturday afternoon and a second later that evening.")
    assert days(found["later that evening"]) == ("2025-09-06", "2025-09-06")


def test_months_ago_is_a_window_around_that_day():
    found = dates("Three months ago nobody answered the phone.")
    assert days(found["Three months ago"]) == ("2025-05-28", "2025-06-27")


def test_month_between_a_determiner_and_a_noun():
    text = "The President may move his April trip. Hegseth's May speech still rankles."
    found = dates(text, published=date(2025, 12, 2))
    assert found["April"].value["human"] == "April 2026"  # "may move": ahead
    assert found["May"].value["human"] == "May 2025"  # no tense: the publication year
    assert dates("The May team won.") != {} and dates("Officials may meet.") == {}


def test_a_plan_for_a_month_is_ahead():
    found = dates("A visit is pencilled in for April.", published=date(2025, 12, 12))
    assert found["April"].value["human"] == "April 2026"


def test_past_tense_keeps_a_month_in_the_past_even_near_the_year_end():
    found = dates("Its last session was held in January.", published=date(2025, 11, 21))
    assert found["January"].value["human"] == "January 2025"


def test_no_forward_flag_for_a_date_in_a_past_clause():
    found = dates("Hegseth warned in May that the threat could be imminent.")
    assert found["May"].flag == ""
    found = dates("A round is expected in August.")
    assert found["August"].flag.startswith("Expected date August 2025 lies before")


def test_following_period_counts_from_the_date_named_before():
    found = dates("The talks, first held in 2019, were suspended the following year.")
    assert found["the following year"].value["human"] == "2020"
    found = dates("The ministers met in March. The following month, talks stalled.")
    assert found["The following month"].value["human"] == "April 2025"


def test_weekday_span_ends_after_it_starts():
    found = dates("He will be in Beijing from Monday to Wednesday.")
    assert days(found["from Monday to Wednesday"]) == ("2025-09-15", "2025-09-17")


def test_another_dates_last_is_no_tense():
    # "last" belongs to "last Thursday"; "comes into force" says nothing of the Saturday.
    found = dates("The deal, signed last Thursday, comes into force on Saturday.")
    assert found["Saturday"].value["ambiguous"] is True


def test_holidays():
    found = dates("A deal is unlikely before the Lunar New Year.", published=date(2025, 12, 12))
    assert days(found["before the Lunar New Year"]) == ("2025-12-12", "2026-02-16")
    found = dates("The envoys will meet on Christmas Day.")
    assert days(found["Christmas Day"]) == ("2025-12-25", "2025-12-25")
