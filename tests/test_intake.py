"""Article intake: quotes, dates, actors, offices and channels suggested from a pasted report.

The seed article is read from the shared folder next to the repository (skipped when absent);
the other articles in tests/articles/ were written for these tests."""

import itertools
import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.intake import KINDS, Suggestion, analyse
from events.models import Actor, Office

ARTICLES = Path(__file__).parent / "articles"
SEED_ARTICLE = settings.BASE_DIR.parent / "shared" / "seed-article.txt"
SEED_PUBLISHED = date(2025, 9, 5)
OWN_ARTICLES = {
    "geneva-talks.txt": date(2026, 3, 10),
    "coastguard-hotline.txt": date(2025, 11, 20),
    "defence-hotline.txt": date(2025, 10, 1),
}


def of_kind(suggestions: list[Suggestion], kind: str) -> list[Suggestion]:
    return [s for s in suggestions if s.kind == kind]


def by_text(suggestions: list[Suggestion], kind: str) -> dict[str, Suggestion]:
    return {s.text: s for s in of_kind(suggestions, kind)}


def actor_pk(slug: str) -> int:
    return Actor.objects.get(slug=slug).pk


def assert_well_formed(text: str, suggestions: list[Suggestion]) -> None:
    for s in suggestions:
        assert s.kind in KINDS
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text, s
        round_trip = json.loads(json.dumps(s.as_dict(), ensure_ascii=False))
        assert round_trip == s.as_dict()


# --- The seed article ----------------------------------------------------------------------------


@pytest.fixture
def seed_article() -> str:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"The seed article is not at {SEED_ARTICLE}.")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def seed_result(seeded, seed_article) -> list[Suggestion]:
    return analyse(seed_article, published=SEED_PUBLISHED)


def test_seed_every_offset_points_at_its_text(seed_article, seed_result):
    assert seed_result
    assert_well_formed(seed_article, seed_result)


def test_seed_both_hegseth_quotes_are_his_statements(seed_result):
    statements = of_kind(seed_result, "statement")
    quotes = {s.value["quote"]: s.value for s in statements}
    hegseth = actor_pk("pete-hegseth")
    for words in (
        "We will not instigate nor seek to subjugate or humiliate",
        "The threat China poses is real and it could be imminent.",
    ):
        assert quotes[words]["speaker_id"] == hegseth
        assert quotes[words]["speaker"] == "Pete Hegseth"
        assert quotes[words]["confidence"] in {"high", "medium"}
    # The short quote is a characterisation, not a statement.
    assert "constructive and pragmatic" not in quotes
    assert len(statements) == 2


def test_seed_characterisation_of_the_meeting(seed_article, seed_result):
    (found,) = of_kind(seed_result, "characterisation")
    assert found.text == "constructive and pragmatic"
    assert seed_article[found.start - 1] == "“" and seed_article[found.end] == "”"
    assert found.value["engagement_words"] == ["meeting"]
    # Attributed to the readouts the sentence cites.
    assert found.value["speaker_id"] == actor_pk("us-department-of-state")


def test_seed_dates_resolved_against_the_publication_year(seed_result):
    dates = {s.text: s.value for s in of_kind(seed_result, "date")}
    assert dates["July 11th"] == {
        "human": "11 July 2025",
        "earliest": "2025-07-11",
        "latest": "2025-07-11",
        "precision": "day",
        "reasoning": "“July 11th” has no year: read in 2025, the publication year.",
        "ambiguous": False,
        "relative": False,
    }
    assert dates["September 3rd"]["earliest"] == dates["September 3rd"]["latest"] == "2025-09-03"
    assert (dates["early September"]["earliest"], dates["early September"]["latest"]) == (
        "2025-09-01",
        "2025-09-10",
    )
    assert dates["early September"]["precision"] == "part_of_month"
    assert dates["September 17-19"] | {"reasoning": ""} == {
        "human": "17–19 September 2025",
        "earliest": "2025-09-17",
        "latest": "2025-09-19",
        "precision": "range",
        "reasoning": "",
        "ambiguous": False,
        "relative": False,
    }
    summit = dates["late 2024 or early 2025"]
    assert (summit["earliest"], summit["latest"]) == ("2024-09-01", "2025-04-30")
    assert summit["human"] == "late 2024 – early 2025"


def test_seed_summit_date_flagged_only_one(seed_result):
    flagged = [s for s in seed_result if s.flag]
    assert [s.text for s in flagged] == ["late 2024 or early 2025"]
    assert flagged[0].flag.startswith(
        "Expected date late 2024 – early 2025 lies before the publication date (5 September 2025)"
    )
    # Past dates in sentences that do not look forward are not flagged.
    dates = by_text(seed_result, "date")
    assert dates["September 3rd"].flag == dates["July 11th"].flag == ""


def test_seed_known_actors(seed_result):
    actors = of_kind(seed_result, "actor")
    named = {s.value["actor_id"] for s in actors}
    for slug in (
        "pete-hegseth",
        "marco-rubio",
        "zhang-youxia",
        "donald-trump",
        "xi-jinping",
        "alvaro-smith",
        "us-department-of-defense",
        "us-department-of-state",
        "united-states",
        "china",
        "china-central-military-commission",
        "us-embassy-beijing-defense-attaches",
    ):
        assert actor_pk(slug) in named, slug
    texts = {s.text: s.value for s in actors}
    # Surname alone, titles kept apart, dotted and plain "US", aliases.
    assert texts["Hegseth"]["actor_id"] == actor_pk("pete-hegseth")
    assert texts["Hegseth"]["kind"] == "person"
    assert texts["Pete Hegseth"]["name"] == "Pete Hegseth"
    assert texts["U.S."]["actor_id"] == texts["US"]["actor_id"] == actor_pk("united-states")
    assert texts["Beijing"]["actor_id"] == actor_pk("china")
    assert texts["General Zhang Youxia"]["actor_id"] == actor_pk("zhang-youxia")
    assert texts["Pentagon"]["name"] == "US Department of Defense"


def test_seed_mentions_are_whole_words_and_do_not_overlap(seed_article, seed_result):
    for kind in ("actor", "office"):
        spans = sorted((s.start, s.end) for s in of_kind(seed_result, kind))
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start
    # "Xi" is not found inside "Xiangshan", nor "US" inside other words.
    for s in of_kind(seed_result, "actor") + of_kind(seed_result, "office"):
        before = seed_article[s.start - 1] if s.start else " "
        after = seed_article[s.end] if s.end < len(seed_article) else " "
        assert not before.isalnum() and not after.isalnum(), s


def test_seed_offices_in_their_word_orders(seed_result):
    offices = by_text(seed_result, "office")
    secdef = Office.objects.get(title="Secretary of Defense").pk
    defense = [s.value for s in of_kind(seed_result, "office") if s.text == "Defense Secretary"]
    assert defense[0]["office_id"] == secdef
    assert defense[0]["holders"] == [{"actor_id": actor_pk("pete-hegseth"), "name": "Pete Hegseth"}]
    # "China traditionally views its Defense Secretary …": China's office, not the US one.
    assert defense[-1]["title"] == "Minister of National Defense"
    assert offices["Secretary of State"].value["title"] == "Secretary of State"
    assert offices["Foreign Minister"].value["title"] == "Minister of Foreign Affairs"
    # The longest title wins over the shorter one inside it.
    deputy = offices["Deputy Assistant Defense Secretary"]
    assert deputy.value["title"] == "Deputy Assistant Secretary of Defense"
    assert "Defense Secretary" not in {
        s.text for s in of_kind(seed_result, "office") if deputy.start <= s.start < deputy.end
    }


def test_seed_channels(seed_result):
    channels = of_kind(seed_result, "channel")
    assert channels[0].value["slug"] == "us-china-military"
    assert channels[0].value["track"] == "military"
    assert "military" in channels[0].value["cues"]
    assert channels[0].value["reason"].startswith("US and China are both named")
    # The leaders' summit is one sentence of a military story: named in passing (issue 13).
    assert {c.value["slug"] for c in channels} == {"us-china-military", "us-china-diplomatic"}
    scores = [c.value["score"] for c in channels]
    assert scores == sorted(scores, reverse=True)


def test_a_fixed_number_of_queries(seeded, seed_article, django_assert_num_queries):
    # Actors, offices, office holdings, channels; for updates, open engagements, their
    # participants and steps, channel statuses, open counterpart disputes and their claims:
    # whatever the article says.
    with django_assert_num_queries(10):
        analyse(seed_article, published=SEED_PUBLISHED)
    with django_assert_num_queries(10):
        analyse((ARTICLES / "geneva-talks.txt").read_text(), published=date(2026, 3, 10))


# --- Articles written for these tests ------------------------------------------------------------


def own(name: str) -> tuple[str, list[Suggestion]]:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    return text, analyse(text, published=OWN_ARTICLES[name])


@pytest.mark.parametrize("name", sorted(OWN_ARTICLES))
def test_own_articles_offsets(seeded, name):
    text, suggestions = own(name)
    assert suggestions
    assert_well_formed(text, suggestions)


def test_speaker_named_with_said_before_or_after_the_quote(seeded):
    _, found = own("geneva-talks.txt")
    quotes = {s.value["quote"]: s.value for s in of_kind(found, "statement")}
    rubio, wang = actor_pk("marco-rubio"), actor_pk("wang-yi")
    # "…," Rubio said — straight quotes, the comma left out of the quote.
    candid = quotes["We had a candid exchange on trade and on military safety"]
    assert (candid["speaker_id"], candid["confidence"]) == (rubio, "high")
    # “…,” said Secretary Rubio
    talking = quotes["Both sides agreed to keep talking"]
    assert (talking["speaker_id"], talking["confidence"]) == (rubio, "high")
    # Wang told reporters that … "…" — a surname-only short name.
    assert quotes["mutual respect, not lectures"]["speaker_id"] == wang


def test_single_quoted_characterisation_before_its_meeting(seeded):
    _, found = own("geneva-talks.txt")
    (char,) = of_kind(found, "characterisation")
    assert char.text == "frank and useful"
    assert char.value["engagement_words"] == ["meeting"]


def test_own_dates(seeded):
    _, found = own("geneva-talks.txt")
    dates = by_text(found, "date")
    assert dates["4 March"].value["earliest"] == "2026-03-04"
    assert dates["4 March"].value["precision"] == "day"
    between = dates["between 2 and 4 June"].value
    assert (between["earliest"], between["latest"]) == ("2026-06-02", "2026-06-04")
    # An explicit year wins over the publication year; a past event is not flagged.
    assert dates["12 November 2024"].value["earliest"] == "2024-11-12"
    assert dates["12 November 2024"].flag == ""
    # "Last month" resolves against the publication date and is never flagged.
    last_month = dates["Last month"]
    assert last_month.value["human"] == "February 2026"
    assert last_month.value["relative"] is True
    assert last_month.flag == ""
    # A quarter said to be expected, but over before publication.
    quarter = dates["Q3 2025"]
    assert (quarter.value["precision"], quarter.value["human"]) == ("quarter", "Q3 2025")
    assert quarter.flag.startswith(
        "Expected date Q3 2025 lies before the publication date (10 March 2026)"
    )


def test_own_channels_need_both_parties_and_a_cue(seeded):
    _, geneva = own("geneva-talks.txt")
    slugs = [c.value["slug"] for c in of_kind(geneva, "channel")]
    assert slugs == ["us-china-diplomatic", "us-china-military"]  # no leaders' cue
    _, coastguard = own("coastguard-hotline.txt")
    assert of_kind(coastguard, "channel") == []  # only China is named
    _, defence = own("defence-hotline.txt")
    slugs = [c.value["slug"] for c in of_kind(defence, "channel")]
    assert slugs[0] == "us-china-military"
    assert "us-china-leaders" in slugs


def test_unknown_speaker_and_institution_fallback(seeded):
    _, found = own("coastguard-hotline.txt")
    statements = of_kind(found, "statement")
    # "Officials call it a “work-in-progress”": a short quote, offered as such.
    crew, ministry, short = statements
    assert (short.text, short.value["short"]) == ("work-in-progress", True)
    assert crew.value["speaker_id"] is None
    assert crew.value["confidence"] == "low"
    assert crew.value["unmatched_speaker"] == "Lin Qiaomei"
    # ‘single quotes’; no person near, so the ministry named just before, with low confidence.
    assert ministry.text == "We welcome practical arrangements at sea that lower the risk"
    assert ministry.value["speaker_id"] == actor_pk("china-ministry-of-foreign-affairs")
    assert ministry.value["confidence"] == "low"
    dates = by_text(found, "date")
    assert dates["mid-2026"].value["earliest"] == "2026-05-01"
    assert dates["mid-2026"].value["precision"] == "part_of_year"
    assert dates["early December"].value["latest"] == "2025-12-10"
    assert not any(s.flag for s in found)


def test_office_holder_and_institution_as_speakers(seeded):
    _, found = own("defence-hotline.txt")
    quotes = {s.value["quote"]: s.value for s in of_kind(found, "statement")}
    # "The U.S. Defence Secretary told lawmakers …": the office's holder, British spelling.
    overdue = quotes["is overdue and should be tested every month."]
    assert overdue["speaker_id"] == actor_pk("pete-hegseth")
    assert overdue["confidence"] == "medium"
    stable = quotes["values stable military relations with the United States"]
    assert stable["speaker_id"] == actor_pk("china-ministry-of-national-defense")
    offices = by_text(found, "office")
    assert offices["Defence Secretary"].value["title"] == "Secretary of Defense"
    dates = by_text(found, "date")
    assert (dates["next week"].value["earliest"], dates["next week"].value["latest"]) == (
        "2025-10-06",
        "2025-10-12",
    )
    assert dates["from 10 to 12 October"].value["human"] == "10–12 October 2025"
    assert dates["September 2025"].flag.startswith("Expected date September 2025 lies before")


# --- Edge cases ----------------------------------------------------------------------------------


def test_apostrophes_are_not_quotes_and_short_quotes_are_short(seeded):
    text = (
        "Beijing’s envoy isn’t convinced. Hegseth‘s team called it a 'reset'. "
        "Officials' views differ, and the “so-called” plan is on hold."
    )
    found = analyse(text, published=SEED_PUBLISHED)
    assert_well_formed(text, found)
    assert of_kind(found, "characterisation") == []
    # Only the one-word quote after "called it" is a statement (a short one, Hegseth's team's).
    (reset,) = of_kind(found, "statement")
    assert (reset.text, reset.value["short"]) == ("reset", True)
    assert reset.value["speaker_id"] == actor_pk("pete-hegseth")


def test_dates_that_cannot_exist_or_are_no_dates(seeded):
    text = (
        "Smith may attend on 31 June, or not. 2,025 troops marched. "
        "They met in May and on 30 February 2025; a call is due in March."
    )
    found = analyse(text, published=SEED_PUBLISHED)
    assert_well_formed(text, found)
    assert sorted(s.text for s in of_kind(found, "date")) == ["March", "May"]


def test_empty_text_and_wrong_date_type(db):
    assert analyse("   \n", published=SEED_PUBLISHED) == []
    with pytest.raises(TypeError):
        analyse("On 4 March.", published=datetime(2025, 9, 5, 12, 0))


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "“",
                "”",
                '"',
                "'",
                "‘",
                "’",
                ",",
                ".",
                " ",
                "\n",
                "-",
                "–",
                "said",
                "Rubio",
                "Hegseth’s",
                "U.S.",
                "US",
                "China",
                "between",
                "and",
                "or",
                "to",
                "3",
                "17",
                "31",
                "September",
                "May",
                "early",
                "mid-",
                "late",
                "2024",
                "2025",
                "Q3",
                "last month",
                "next week",
                "meeting",
                "Defense Secretary",
                "he",
                "his remarks",
            ]
        ),
        max_size=40,
    ).map(" ".join)
)
def test_any_text_gives_exact_offsets(seeded, text):
    assert_well_formed(text, analyse(text, published=SEED_PUBLISHED))


# --- The command ---------------------------------------------------------------------------------


def run(*args, **options) -> str:
    out = StringIO()
    call_command("intake", *args, stdout=out, **options)
    return out.getvalue()


def test_command_json(seeded):
    path = ARTICLES / "geneva-talks.txt"
    payload = json.loads(run(str(path), published="2026-03-10", json=True, outlet="Test Wire"))
    assert payload["published"] == "2026-03-10"
    assert payload["outlet"] == "Test Wire"
    expected = [s.as_dict() for s in analyse(path.read_text(), published=date(2026, 3, 10))]
    assert payload["suggestions"] == expected
    first = payload["suggestions"][0]
    assert set(first) == {"kind", "text", "start", "end", "value", "flag", "key"}


def test_command_json_keeps_unicode(seeded, seed_article):
    output = run(str(SEED_ARTICLE), "--published", "2025-09-05", "--json")
    assert "17–19 September 2025" in output  # not \u2013
    payload = json.loads(output)
    assert any(s["flag"] for s in payload["suggestions"])


def test_command_listing(seeded):
    output = run(str(ARTICLES / "defence-hotline.txt"), published="2025-10-01")
    assert "published 2025-10-01" in output
    assert "Statements (2)" in output
    assert "Pete Hegseth (medium" in output
    assert "! Expected date September 2025 lies before the publication date" in output


def test_command_errors(seeded, tmp_path):
    with pytest.raises(CommandError, match=r"No article file at .*missing.txt"):
        run(str(tmp_path / "missing.txt"), published="2025-09-05")
    with pytest.raises(CommandError, match=r"YYYY-MM-DD.*'5 Sept 2025'"):
        run(str(ARTICLES / "geneva-talks.txt"), published="5 Sept 2025")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(ARTICLES / "geneva-talks.txt"), published="2025-02-30")
    with pytest.raises(CommandError, match="--published"):
        run(str(ARTICLES / "geneva-talks.txt"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Attaché".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(latin), published="2025-09-05")
    with pytest.raises(CommandError, match="not a file"):
        run(str(tmp_path), published="2025-09-05")
