"""Intake: quotes with their sentence and speaker, denials, paraphrases and new people.

Each test pastes a few sentences written for it and checks what the editor is offered."""

from datetime import date

import pytest

from events.intake import Suggestion, analyse
from events.models import Actor
from events.text import Sentences
from tests.factories import InstitutionFactory, OfficeFactory, StateFactory

PUBLISHED = date(2025, 9, 10)


def found(text: str, kind: str) -> list[Suggestion]:
    suggestions = analyse(text, published=PUBLISHED)
    for s in suggestions:
        assert text[s.start : s.end] == s.text
    return [s for s in suggestions if s.kind == kind]


def statements(text: str) -> dict[str, dict]:
    return {s.text: s.value for s in found(text, "statement")}


def pk(slug: str) -> int:
    return Actor.objects.get(slug=slug).pk


# --- Quotes and their sentences ------------------------------------------------------------------


def test_every_quote_comes_with_its_whole_sentence(seeded):
    text = "Talks began at noon. Rubio urged “restraint” on both sides. Nothing else happened."
    (quote,) = found(text, "statement")
    value = quote.value
    assert value["sentence"] == "Rubio urged “restraint” on both sides."
    assert text[value["sentence_start"] : value["sentence_end"]] == value["sentence"]
    assert quote.text == "restraint"


def test_short_quotes_are_offered_with_a_lower_confidence(seeded):
    text = "Hegseth, vowing to “push back”, left early. Wang called it a “misstep”."
    quotes = statements(text)
    assert quotes["push back"]["short"] is True
    assert quotes["push back"]["speaker_id"] == pk("pete-hegseth")
    assert quotes["push back"]["confidence"] == "medium"  # named with the verb, but two words
    assert quotes["misstep"]["speaker_id"] == pk("wang-yi")
    long = statements("“We will keep every line open,” Hegseth said.")
    assert long["We will keep every line open"]["short"] is False
    assert long["We will keep every line open"]["confidence"] == "high"


@pytest.mark.parametrize(
    "text",
    [
        "The so-called “hotline” has never rung.",
        "A paper dubbed “the quiet channel” circulated in Geneva.",
        "Officials drafted a report titled “Safety at Sea” last year.",
        "The “Shared Maritime Future” plan was discussed in Hanoi.",
        "Beijing calls its “reset” plan a success.",
        "Delegates met under a banner reading “Keeping Order, Building Peace Together” in Hanoi.",
    ],
    ids=["so-called", "dubbed", "titled", "capitalised-title", "modifier", "title-with-comma"],
)
def test_terms_and_titles_in_quotation_marks_are_not_statements(seeded, text):
    assert found(text, "statement") == []


def test_a_quote_split_by_its_attribution_gives_two_statements_by_one_speaker(seeded):
    text = "“We are ready,” Hegseth said, “to talk at any level.”"
    quotes = statements(text)
    assert set(quotes) == {"We are ready", "to talk at any level."}
    assert {q["speaker_id"] for q in quotes.values()} == {pk("pete-hegseth")}
    inverted = statements("“We are ready,” said Rubio, “to talk at any level.”")
    assert {q["speaker_id"] for q in inverted.values()} == {pk("marco-rubio")}


def test_an_abbreviation_in_brackets_does_not_end_a_sentence():
    text = "“No one does that by accident,” said Colonel (ret.) Aiko Mori. She left."
    assert [text[a:b] for a, b in Sentences(text).spans] == [
        "“No one does that by accident,” said Colonel (ret.) Aiko Mori.",
        "She left.",
    ]


def test_a_retired_officer_named_with_a_bracketed_rank_is_the_speaker(seeded):
    text = "“No one does that by accident,” said Colonel (ret.) Aiko Mori, a former pilot."
    value = statements(text)["No one does that by accident"]
    assert value["unmatched_speaker"] == "Aiko Mori"
    (person,) = found(text, "new_person")
    assert person.text == "Aiko Mori"


# --- Denials -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Rubio said the US isn't aiming for “a grand bargain with Beijing”.", "isn't aiming for"),
        ("Hegseth is not seeking “a new cold war in Asia”, he said.", "is not seeking"),
        ("Wang rejected what he called “lectures from abroad on every topic”.", "rejected what"),
        ("Hegseth dismissed the idea of “a deal made in secret”.", "dismissed"),
        ("Rubio ruled out “a summit before the end of the year”.", "ruled out"),
        ("Wang cautioned against reading “a freeze” into the delay.", "cautioned against"),
    ],
)
def test_a_quote_the_sentence_denies_is_flagged(seeded, text, cue):
    (quote,) = found(text, "statement")
    assert quote.value["denied"] is True
    assert quote.value["denial_cue"].startswith(cue)
    assert quote.flag.startswith("Reported as denied: ")


def test_the_speakers_own_verdict_is_not_a_denial(seeded):
    text = (
        "Wang dismissed the offer as “empty words”. "
        "Dong said the world should reject “hegemonic” behaviour and “bloc politics”."
    )
    quotes = statements(text)
    assert quotes["empty words"]["denied"] is False
    assert quotes["hegemonic"]["denied"] is False
    assert quotes["bloc politics"]["denied"] is False


def test_a_denial_in_an_earlier_quotation_covers_the_next(seeded):
    text = "Rubio said the US was “not seeking” a “new arms race in Asia”."
    quotes = statements(text)
    assert quotes["not seeking"]["denied"] is False
    assert quotes["new arms race in Asia"]["denied"] is True


def test_a_negation_inside_the_quote_is_not_a_denial(seeded):
    text = (
        "“We will not seek conflict with anyone,” Hegseth said. "
        "He did not say when they would meet, but called the call “useful for both sides”."
    )
    for value in statements(text).values():
        assert value["denied"] is False
    (quote,) = [s for s in found(text, "statement") if not s.value["denied"]][:1]
    assert quote.flag == ""


# --- Speakers ------------------------------------------------------------------------------------


def test_the_person_told_is_never_the_speaker(seeded):
    text = (
        "Hegseth told Dong that the US would “keep the line open at all times”. "
        "Rubio relayed to Wang that Washington was “ready to meet halfway on trade”."
    )
    quotes = statements(text)
    assert quotes["keep the line open at all times"]["speaker_id"] == pk("pete-hegseth")
    assert quotes["ready to meet halfway on trade"]["speaker_id"] == pk("marco-rubio")


def test_coordinated_clauses_each_keep_their_speaker(seeded):
    text = (
        "Rubio reaffirmed that the US “values open channels with Beijing”, "
        "while Wang urged “mutual respect”."
    )
    quotes = statements(text)
    assert quotes["values open channels with Beijing"]["speaker_id"] == pk("marco-rubio")
    assert quotes["mutual respect"]["speaker_id"] == pk("wang-yi")


def test_a_participle_and_a_shared_verb_keep_the_clause_subject(seeded):
    text = (
        "“It was a good call,” Trump wrote on social media, adding that Xi was “very kind”. "
        "Beijing rejected what it called “outside pressure on every issue” and said it was "
        "not seeking “a quarrel with anyone”."
    )
    quotes = statements(text)
    assert quotes["very kind"]["speaker_id"] == pk("donald-trump")
    pressure = quotes["outside pressure on every issue"]
    assert (pressure["speaker_id"], pressure["denied"]) == (pk("china"), True)
    quarrel = quotes["a quarrel with anyone"]
    assert (quarrel["speaker_id"], quarrel["denied"]) == (pk("china"), True)


def test_a_bare_title_is_the_holder_named_before(seeded):
    text = (
        "Hegseth flew to Hanoi on Monday. The Secretary raised the recent intercepts, and "
        "underscored the need to avoid “reckless conduct at sea”."
    )
    value = statements(text)["reckless conduct at sea"]
    assert value["speaker_id"] == pk("pete-hegseth")
    assert value["basis"].startswith("“the Secretary”")


def test_informed_reports_only_with_that(seeded):
    text = (
        "Officials in Washington said Beijing had informed them that a meeting would "
        "“not be possible this month”. Rubio said Washington had informed the embassy of "
        "its decision and had protested against the “dangerous and unlawful” manoeuvres."
    )
    quotes = statements(text)
    assert quotes["not be possible this month"]["speaker_id"] == pk("china")
    assert quotes["dangerous and unlawful"]["speaker_id"] == pk("marco-rubio")


def test_a_verb_after_a_relative_clause_is_not_the_quotes_attribution(seeded):
    text = (
        "Rubio accused Chinese vessels of “reckless” moves, drawing a reply from a Chinese "
        "official who called the charge “baseless”."
    )
    quotes = statements(text)
    assert quotes["reckless"]["speaker_id"] == pk("marco-rubio")
    assert quotes["baseless"]["speaker_id"] == pk("china")


def test_a_place_after_the_speaker_is_not_the_speaker(seeded):
    text = "China's embassy in Washington said the US should “correct its own mistakes”."
    assert statements(text)["correct its own mistakes"]["speaker_id"] == pk("china")


@pytest.mark.parametrize(
    "text",
    [
        "Mark Ellison, a researcher at Keio University, Tokyo, said “the talks matter”.",
        "Mark Ellison, who served at the US embassy in Beijing, Manila and Tokyo, told "
        "reporters: “the talks matter”.",
        "Mark Ellison, formerly of the Pentagon, later of the State Department, said "
        "“the talks matter”.",
    ],
)
def test_places_and_bodies_inside_an_apposition_are_not_the_speaker(seeded, text):
    (value,) = statements(text).values()
    assert value["speaker_id"] is None
    assert value["unmatched_speaker"] == "Mark Ellison"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("In Beijing, the defence ministry, which rarely comments, said “stop”.", "ministry"),
        ("Hegseth, the defence secretary, said “we are ready”.", "hegseth"),
    ],
)
def test_a_phrase_before_the_comma_that_is_no_name_opens_no_apposition(seeded, text, speaker):
    (value,) = statements(text).values()
    slugs = {"ministry": "china-ministry-of-national-defense", "hegseth": "pete-hegseth"}
    assert value["speaker_id"] == pk(slugs[speaker])


def test_a_pronoun_speaker_is_the_last_person_who_acted(seeded):
    text = "Dong met Hegseth in Hanoi on Tuesday. He said the step was “long overdue for both”."
    value = statements(text)["long overdue for both"]
    assert value["speaker_id"] == pk("dong-jun")
    assert value["confidence"] == "medium"
    assert "pronoun" in value["basis"]


def test_spokespeople_readouts_and_statements_speak_for_their_institution(seeded):
    text = (
        "“Talks will go on as planned,” a spokesperson for the State Department said. "
        "A Pentagon readout described the call in detail. "
        "“Both sides will stay in close touch,” the readout said. "
        "The two sides “will meet again before winter”, according to a statement from the "
        "Chinese Foreign Ministry."
    )
    quotes = statements(text)
    assert quotes["Talks will go on as planned"]["speaker_id"] == pk("us-department-of-state")
    assert quotes["Both sides will stay in close touch"]["speaker_id"] == pk(
        "us-department-of-defense"
    )
    assert quotes["will meet again before winter"]["speaker_id"] == pk(
        "china-ministry-of-foreign-affairs"
    )
    assert all(q["basis"] for q in quotes.values())


def test_a_speaker_not_in_the_database_is_not_replaced_by_a_known_one(seeded):
    text = "Hegseth left the room. “The line is open day and night,” said Kingsley Wilson."
    value = statements(text)["The line is open day and night"]
    assert value["speaker_id"] is None
    assert value["unmatched_speaker"] == "Kingsley Wilson"


def test_an_organisation_not_in_the_database_speaks_but_is_no_new_person(seeded):
    text = "“The line is open,” said Human Rights Watch. “We agree,” Indo-Pacific Command said."
    quotes = statements(text)
    assert quotes["The line is open"]["unmatched_speaker"] == "Human Rights Watch"
    assert quotes["We agree"]["unmatched_speaker"] == "Indo-Pacific Command"
    assert found(text, "new_person") == []


def test_a_second_quote_continues_the_first(seeded):
    text = "“We talked for an hour,” Rubio said. “We will talk again next month.”"
    value = statements(text)["We will talk again next month."]
    assert value["speaker_id"] == pk("marco-rubio")
    assert value["basis"] == "continues the quote before it"


def test_a_quotation_that_runs_on_into_the_next_paragraph(seeded):
    text = (
        "“We will keep talking to anyone who wants calm,” Hegseth said. "
        "“Nobody should doubt it.\n\n“The line is open at all hours.”"
    )
    quotes = statements(text)
    for words in ("Nobody should doubt it.", "The line is open at all hours."):
        assert quotes[words]["speaker_id"] == pk("pete-hegseth")


# --- Paraphrases ---------------------------------------------------------------------------------


def test_attributed_paraphrases(seeded):
    text = (
        "Rubio told reporters aboard his plane that the talks would resume in June. "
        "According to the State Department, the call lasted an hour. "
        "Wang said on Friday that Beijing was ready to talk."
    )
    paraphrases = {s.text: s.value for s in found(text, "paraphrase")}
    assert paraphrases["the talks would resume in June"]["speaker_id"] == pk("marco-rubio")
    assert paraphrases["the call lasted an hour"]["speaker_id"] == pk("us-department-of-state")
    assert paraphrases["Beijing was ready to talk"]["speaker_id"] == pk("wang-yi")
    value = paraphrases["the talks would resume in June"]
    assert value["sentence"] == (
        "Rubio told reporters aboard his plane that the talks would resume in June."
    )


def test_reported_speech_around_a_quotation(seeded):
    text = (
        "Wang said the US was “not serious” and that the two sides had not met since May. "
        "Rubio said the talks, which began in Geneva last spring, had been “useful”."
    )
    paraphrases = {s.text: s.value for s in found(text, "paraphrase")}
    # After the quotation, "and that …" goes on reporting Wang's words.
    assert paraphrases["the two sides had not met since May"]["speaker_id"] == pk("wang-yi")
    # Eight words or more before a quotation say something of their own; the span runs to
    # the end of the sentence, the quotation included.
    rubio = "the talks, which began in Geneva last spring, had been “useful”"
    assert paraphrases[rubio]["speaker_id"] == pk("marco-rubio")
    assert "the US was" not in paraphrases  # a few words leading into a quotation


def test_officials_of_a_place_speak_for_it_but_unnamed_groups_give_no_paraphrase(seeded):
    text = (
        "Officials from China said the plan agreed in Hanoi was working well. "
        "Diplomats in the region noted that the call came late. "
        "Analysts said the freeze could last months."
    )
    (paraphrase,) = found(text, "paraphrase")
    assert paraphrase.text == "the plan agreed in Hanoi was working well"
    assert paraphrase.value["speaker_id"] == pk("china")


def test_reports_closed_by_an_attribution_are_not_paraphrases(seeded):
    # "…, X said." closes a report of events; "announced the visit" has no clause.
    text = "The two ministers met twice, Wang said. Rubio announced the visit on Monday."
    assert found(text, "paraphrase") == []


def test_no_paraphrase_for_a_quote_or_a_denied_saying(seeded):
    text = "Rubio did not say that the talks had failed. Wang said “the door is open to all”."
    assert found(text, "paraphrase") == []


# --- New people ----------------------------------------------------------------------------------


def test_a_titled_spokesperson_is_offered_once_as_a_new_person(seeded):
    text = (
        "“The door is open,” Chinese Foreign Ministry spokesperson Lin Jian told a briefing. "
        "Lin said the talks “would continue in good faith”."
    )
    (person,) = found(text, "new_person")
    assert person.text == "Lin Jian"
    assert person.value["title"] == "Chinese Foreign Ministry spokesperson"
    assert person.value["institution_id"] == pk("china-ministry-of-foreign-affairs")
    assert person.value["state_id"] == pk("china")
    assert person.value["reason"]
    for value in statements(text).values():
        assert (value["speaker_id"], value["unmatched_speaker"]) == (None, "Lin Jian")


def test_a_new_person_named_before_an_appositive_title(seeded):
    text = "Lin Jian, a spokesman for China's foreign ministry, said the call went well."
    (person,) = found(text, "new_person")
    assert (person.text, person.value["title"]) == (
        "Lin Jian",
        "spokesman for China's foreign ministry",
    )
    assert person.value["institution_id"] == pk("china-ministry-of-foreign-affairs")
    (paraphrase,) = found(text, "paraphrase")
    assert paraphrase.value["unmatched_speaker"] == "Lin Jian"


def test_a_nickname_of_an_institution_names_it(seeded):
    text = "Pentagon press secretary Kingsley Wilson said the call was “productive and long”."
    (person,) = found(text, "new_person")
    assert person.value["institution_id"] == pk("us-department-of-defense")
    assert person.value["office_id"] is None  # a press secretary is not the Secretary


def test_a_foreign_title_names_that_countrys_office(seeded):
    philippines = StateFactory(name="Philippines", short_name="Philippines", slug="philippines")
    defence = InstitutionFactory(
        name="Department of National Defense", short_name="DND", state=philippines
    )
    office = OfficeFactory(title="Secretary of National Defense", institution=defence)
    text = "Philippine Defence Secretary Gilberto Reyes met Hegseth in Manila."
    (person,) = found(text, "new_person")
    assert person.text == "Gilberto Reyes"
    assert (person.value["institution_id"], person.value["office_id"]) == (defence.pk, office.pk)
    assert person.value["state_id"] == philippines.pk


def test_a_persons_deputy_belongs_to_that_persons_institution(seeded):
    text = "Hegseth’s deputy, Steve Abel, told Congress that the line was “a priority”."
    (person,) = found(text, "new_person")
    assert (person.text, person.value["title"]) == ("Steve Abel", "Hegseth’s deputy")
    assert person.value["institution_id"] == pk("us-department-of-defense")
    assert statements(text)["a priority"]["unmatched_speaker"] == "Steve Abel"


def test_a_title_without_a_body_takes_it_from_the_sentences_around(seeded):
    text = (
        "China's Ministry of National Defense said talks would go on. Zhou Ming, a spokesman "
        "for the Chinese ministry, said the line was “open”. The Chinese Embassy in Washington "
        "replied within hours. Its spokesperson, Han Wei, said the claims were “baseless”."
    )
    people = {s.text: s.value for s in found(text, "new_person")}
    assert people["Zhou Ming"]["institution_id"] == pk("china-ministry-of-national-defense")
    assert (people["Han Wei"]["institution_id"], people["Han Wei"]["state_id"]) == (
        None,
        pk("china"),
    )
    # Words of an embassy not in the database are its state's.
    assert statements(text)["baseless"]["unmatched_speaker"] == "Han Wei"


def test_hyphenated_titles_and_suffixes_in_names(seeded):
    text = (
        "Director-General Makoto Ishida briefed Hegseth. "
        "Hegseth later met President Ramon Santos Jr. in Manila."
    )
    names = sorted(s.text for s in found(text, "new_person"))
    assert names == ["Makoto Ishida", "Ramon Santos Jr."]


def test_another_countrys_title_is_not_a_recorded_office(seeded):
    # No Brazil in the database: its defence minister is not China's or the US's.
    text = (
        "Brazilian Defence Minister Paulo Duarte met Hegseth.\n\n"
        "Chief Pentagon Spokesman Ana Ruiz said so."
    )
    people = {s.text: s.value for s in found(text, "new_person")}
    assert (people["Paulo Duarte"]["institution_id"], people["Paulo Duarte"]["office_id"]) == (
        None,
        None,
    )
    # A title does not run on from the line before.
    assert people["Ana Ruiz"]["title"] == "Chief Pentagon Spokesman"
    assert people["Ana Ruiz"]["institution_id"] == pk("us-department-of-defense")


def test_known_people_places_and_bodies_are_not_new_people(seeded):
    text = (
        "Defense Secretary Pete Hegseth met Admiral Dong Jun. "
        "Ministry spokesperson South China Sea was not a phrase anyone used. "
        "Foreign Minister Wang Yi spoke on Tuesday."
    )
    assert found(text, "new_person") == []


def test_a_new_persons_office_is_offered_without_the_words_naming_the_institution(seeded):
    from datetime import date

    from events.intake import analyse

    text = (
        "Chinese Defence Ministry spokesperson Tan Wenhua told reporters the talks were frank.\n"
        "Pentagon press secretary Lena Ortiz said the call was useful."
    )
    people = {
        s.value["name"]: s.value
        for s in analyse(text, published=date(2025, 9, 11))
        if s.kind == "new_person"
    }
    assert people["Tan Wenhua"]["office_title"] == "Spokesperson"
    assert people["Lena Ortiz"]["office_title"] == "Press secretary"
