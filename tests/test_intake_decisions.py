"""Intake suggestions have a state: open, accepted (linked to its record) or dismissed. An
accepted suggestion is not accepted twice; the page counts what is left; a paste longer than
intake reads is refused with its text kept; a new person is created with their office."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from events import services
from events.models import (
    Actor,
    Citation,
    Engagement,
    IntakeDecision,
    Office,
    OfficeHolding,
    Source,
    Statement,
    StickingPoint,
)
from tests.test_intake_pages import (
    CANDID,
    CANDID_SENTENCE,
    OUTLET,
    TITLE,
    accept,
    article_form,
    forms_of_kind,
    page_text,
    refused,
    span,
)


@pytest.fixture
def source(seeded, editor_client) -> Source:
    response = editor_client.post("/intake/", article_form())
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Source.objects.get(outlet=OUTLET, title=TITLE)


def rubio() -> Actor:
    return Actor.objects.get(slug="marco-rubio")


def candid_form(page: str) -> str:
    (form,) = [f for f in forms_of_kind(page, "statement") if CANDID in f]
    return form


def left(page: str) -> int:
    found = re.search(r"<strong>(\d+)</strong> suggestions? left to decide", page)
    return int(found.group(1)) if found else 0


def test_an_accepted_quote_links_its_record_and_cannot_be_accepted_again(source, editor_client):
    url = f"/intake/{source.pk}/"
    before = left(page_text(editor_client.get(url)))
    fields = {"kind": "statement", "speaker": rubio().pk, "stance": "cooperative"}

    first = accept(editor_client, source, CANDID, **fields)
    assert first.status_code == 302
    statement = Statement.objects.get(text=CANDID)
    page = page_text(editor_client.get(url))
    form = candid_form(page)
    assert "✓</span> Accepted" in form
    assert f'/admin/events/statement/{statement.pk}/change/"' in form
    assert "Accept as statement" not in form  # no button to accept it again
    assert left(page) == before - 1

    # Posting the same suggestion again (a second tab, a double click) is refused.
    second = accept(editor_client, source, CANDID, **fields)
    message = refused(second)
    assert Statement.objects.filter(text=CANDID).count() == 1
    assert Citation.objects.filter(passage=CANDID_SENTENCE).count() == 1
    assert "This suggestion was already accepted" in message


def test_the_database_refuses_a_second_acceptance_even_past_the_check(source, editor):
    start, end = span(source.text, CANDID)
    reference = services.SuggestionRef(source, "statement", start, end)
    services.intake_dismiss(suggestion=reference, user=editor)
    with pytest.raises(ValidationError, match="was dismissed"):
        services.intake_accept(
            suggestion=reference,
            write=lambda: pytest.fail("nothing is written for a decided suggestion"),
            user=editor,
        )
    assert IntakeDecision.objects.count() == 1


def test_a_dismissed_suggestion_is_shown_as_such_and_can_be_reopened(source, editor_client):
    url = f"/intake/{source.pk}/"
    before = left(page_text(editor_client.get(url)))
    start, end = span(source.text, CANDID)
    post = {"kind": "statement", "start": start, "end": end, "key": ""}

    editor_client.post(f"{url}decide/", {**post, "action": "dismiss"})
    page = page_text(editor_client.get(url))
    assert "Dismissed ·" in candid_form(page)
    assert left(page) == before - 1
    refusal = accept(editor_client, source, CANDID, kind="statement", speaker=rubio().pk,
                     stance="neutral")  # fmt: skip
    assert "reopen it to accept it" in refused(refusal)
    assert not Statement.objects.filter(text=CANDID).exists()

    editor_client.post(f"{url}decide/", {**post, "action": "reopen"})
    assert left(page_text(editor_client.get(url))) == before
    accept(editor_client, source, CANDID, kind="statement", speaker=rubio().pk, stance="neutral")
    assert Statement.objects.filter(text=CANDID).exists()


def test_a_post_naming_no_suggestion_of_the_article_is_refused(source, editor_client):
    before = IntakeDecision.objects.count()
    response = editor_client.post(
        f"/intake/{source.pk}/decide/",
        {"kind": "statement", "start": 0, "end": 3, "key": "", "action": "dismiss"},
    )
    page = page_text(editor_client.get(response["Location"]))
    assert "no longer matches the article text" in page
    assert IntakeDecision.objects.count() == before


def test_an_accepted_quote_carries_its_said_date_and_venue(source, editor_client):
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))
    # Without a date in its sentence, a quote is offered as said on the report's day.
    assert 'name="said" value="10 March 2026"' in candid_form(page)
    accept(
        editor_client,
        source,
        CANDID,
        kind="statement",
        speaker=rubio().pk,
        stance="neutral",
        said="9 March 2026",
        venue="Geneva",
    )
    statement = Statement.objects.get(text=CANDID)
    assert str(statement.said) == "9 March 2026" and statement.venue == "Geneva"


def test_a_said_date_that_is_no_date_is_refused_with_nothing_saved(source, editor_client):
    response = accept(
        editor_client,
        source,
        CANDID,
        kind="statement",
        speaker=rubio().pk,
        stance="neutral",
        said="the 45th of Smarch",
    )
    page = refused(response)
    assert "When it was said" in page
    assert 'name="said" value="the 45th of Smarch"' in page  # what was typed is kept
    assert not Statement.objects.filter(text=CANDID).exists()
    assert not IntakeDecision.objects.exists()


# --- Size -------------------------------------------------------------------------------------


def test_a_paste_longer_than_intake_reads_is_refused_with_its_text_kept(
    seeded, editor_client, settings
):
    settings.INTAKE_MAX_KB = 2
    text = "Talks resumed on Tuesday, officials said. " * 60  # about 2.5 KB
    before = Source.objects.count()
    response = editor_client.post("/intake/", article_form(text=text), follow=False)
    page = page_text(response)
    assert "intake reads at most 2 KB" in page
    assert escape(text.strip()) in page  # the text is back in the box
    assert 'data-max-bytes="2048"' in page  # and the browser checks it before sending
    assert Source.objects.count() == before


# --- New people -----------------------------------------------------------------------------


def test_a_new_person_is_created_with_a_new_office_all_cited(source, editor):
    ministry = Actor.objects.get(slug="china-ministry-of-foreign-affairs")
    citation = services.CitationInput(
        source=source, passage="Ministry spokesperson Lin Jian said so.", passage_is_verbatim=True
    )
    person = services.person_with_office_create(
        name="  Lin   Jian ",
        state=Actor.objects.get(slug="china"),
        office=None,
        title="spokesperson",
        institution=ministry,
        citations=[citation],
        user=editor,
    )
    assert person.name == "Lin Jian" and person.slug == "lin-jian"
    office = Office.objects.get(institution=ministry, title="Spokesperson")
    holding = OfficeHolding.objects.get(person=person)
    assert holding.office == office
    for record in (person, office, holding):
        assert [c.source for c in record.citations.all()] == [source]

    with pytest.raises(ValidationError, match="already recorded"):
        services.person_with_office_create(
            name="lin jian",
            state=None,
            office=office,
            title="",
            institution=None,
            citations=[citation],
            user=editor,
        )
    assert Actor.objects.filter(name__iexact="lin jian").count() == 1


def test_a_new_person_without_a_source_or_an_institution_for_a_title_is_refused(source):
    before = Actor.objects.count(), Office.objects.count()
    with pytest.raises(ValidationError, match="needs a source"):
        services.person_with_office_create(
            name="Lin Jian", state=None, office=None, title="", institution=None, citations=[]
        )
    citation = services.CitationInput(source=source, passage="Lin Jian, a spokesperson.")
    with pytest.raises(ValidationError, match="Choose the institution"):
        services.person_with_office_create(
            name="Lin Jian",
            state=None,
            office=None,
            title="spokesperson",
            institution=None,
            citations=[citation],
        )
    assert (Actor.objects.count(), Office.objects.count()) == before


# --- Queries ----------------------------------------------------------------------------------


def _report(quotes: int) -> str:
    lines = [
        f'"We will keep the line number {n} open," Rubio said in Geneva on {n} March.'
        for n in range(1, quotes + 1)
    ]
    return "Talks in Geneva\n\n" + "\n\n".join(lines)


def _intake_queries(editor_client, quotes: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = editor_client.post(
        "/intake/", article_form(text=_report(quotes), title=f"Talks, {quotes} quotes")
    )
    source = Source.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    for form in forms_of_kind(page_text(editor_client.get(f"/intake/{source.pk}/")), "statement"):
        start = re.search(r'name="start" value="(\d+)"', form).group(1)
        end = re.search(r'name="end" value="(\d+)"', form).group(1)
        editor_client.post(
            f"/intake/{source.pk}/accept/",
            {"kind": "statement", "start": start, "end": end, "key": "",
             "speaker": rubio().pk, "stance": "neutral"},
        )  # fmt: skip
    assert Statement.objects.filter(citations__source=source).count() == quotes
    editor_client.get(f"/intake/{source.pk}/")  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as context:
        page_text(editor_client.get(f"/intake/{source.pk}/"))
    return len(context.captured_queries)


def test_the_suggestions_page_query_count_does_not_grow_with_suggestions_or_decisions(
    seeded, editor_client
):
    assert _intake_queries(editor_client, 2) == _intake_queries(editor_client, 12)


# --- Updates to what is recorded ----------------------------------------------------------------

VIDEO_CALL = Path(__file__).parent / "articles" / "followup-video-call.txt"


def _paste(editor_client, text: str, title: str, published: str) -> Source:
    response = editor_client.post(
        "/intake/", article_form(text=text, title=title, published=published)
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Source.objects.get(title=title)


def _update_form(page: str, key: str) -> str:
    (form,) = [f for f in forms_of_kind(page, "update") if f'name="key" value="{key}"' in f]
    return form


def _fields(form: str) -> dict[str, str]:
    """The values the browser would post from a suggestion's form (inputs as shown)."""
    fields = dict(re.findall(r'<input type="(?:hidden|text)" name="(\w+)" value="([^"]*)"', form))
    fields.update(re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', form))
    return {name: unescape(value) for name, value in fields.items()}


def test_a_reported_step_and_settlement_are_recorded_from_their_suggestions(seeded, editor_client):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    point = StickingPoint.objects.get(title="Who is Hegseth's counterpart")
    source = _paste(
        editor_client, VIDEO_CALL.read_text(encoding="utf-8"), "Video call", "2025-09-10"
    )
    url = f"/intake/{source.pk}/"
    page = page_text(editor_client.get(url))

    held = _update_form(page, f"engagement:{call.pk}:held")
    fields = _fields(held)
    assert fields["date"] == "9 September 2025"
    # The seed's proposal is dated 3–16 September: the page says the dates overlap and offers
    # a reason, which the services need to keep both.
    assert "falls inside the date of the step" in held and fields["overlap_reason"]
    editor_client.post(f"{url}accept/", fields)
    call.refresh_from_db()
    assert call.state == "held" and str(call.when) == "9 September 2025"
    step = call.transitions.get(to_state="held")
    assert [c.source for c in step.citations.all()] == [source]

    settled = _update_form(page, f"sticking_point:{point.pk}:resolved")
    editor_client.post(f"{url}accept/", {**_fields(settled), "date": "9 September 2025"})
    point.refresh_from_db()
    assert point.state == "resolved" and str(point.resolved) == "9 September 2025"
    outcomes = dict(point.counterpart_claims.values_list("claimant__slug", "outcome"))
    assert outcomes == {"china": "settled", "united-states": "superseded"}

    page = page_text(editor_client.get(url))
    assert page.count('<span aria-hidden="true">✓</span>') >= 2  # both listed as recorded
    assert IntakeDecision.objects.filter(source=source, decision="accepted").count() == 2


def test_a_step_with_a_date_that_is_no_date_is_refused_with_nothing_saved(seeded, editor_client):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    source = _paste(
        editor_client, VIDEO_CALL.read_text(encoding="utf-8"), "Video call", "2025-09-10"
    )
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))
    fields = _fields(_update_form(page, f"engagement:{call.pk}:held"))
    response = editor_client.post(f"/intake/{source.pk}/accept/", {**fields, "date": "Tuesdayish"})
    page = refused(response)
    assert "The step&#x27;s date:" in page and 'name="date" value="Tuesdayish"' in page
    call.refresh_from_db()
    assert call.state == "proposed" and not IntakeDecision.objects.exists()


def test_an_accepted_suggestion_whose_record_was_deleted_can_be_reopened(source, editor):
    start, end = span(source.text, CANDID)
    reference = services.SuggestionRef(source, "statement", start, end)
    citation = services.CitationInput(source=source, passage=CANDID_SENTENCE)

    def write():
        return services.statement_create(
            speaker=rubio(), text=CANDID, stance="neutral", citations=[citation], user=editor
        )

    statement = services.intake_accept(suggestion=reference, write=write, user=editor)
    with pytest.raises(ValidationError, match="already accepted"):
        services.intake_reopen(suggestion=reference, user=editor)
    services.record_delete(record=statement, user=editor)
    with pytest.raises(ValidationError, match="since been deleted"):
        services.intake_accept(suggestion=reference, write=write, user=editor)
    services.intake_reopen(suggestion=reference, user=editor)
    services.intake_accept(suggestion=reference, write=write, user=editor)
    assert Statement.objects.filter(text=CANDID).count() == 1


def test_the_same_words_from_the_same_report_are_recorded_once_whatever_their_span(
    source, editor_client, editor
):
    # As if an earlier version of intake had offered the quote with another span.
    citation = services.CitationInput(source=source, passage=CANDID_SENTENCE)
    services.statement_create(
        speaker=rubio(), text=CANDID, stance="neutral", citations=[citation], user=editor
    )
    response = accept(
        editor_client, source, CANDID, kind="statement", speaker=rubio().pk, stance="neutral"
    )
    assert "already recorded as a statement from this report" in refused(response)
    assert Statement.objects.filter(text=CANDID).count() == 1
    assert not IntakeDecision.objects.exists()


def test_a_denied_quote_is_offered_without_a_stance_and_refused_without_one(seeded, editor_client):
    text = (
        "Talks ahead\n\nPete Hegseth said on Monday that Washington was not seeking a "
        "“grand bargain” with Beijing.\n"
    )
    source = _paste(editor_client, text, "Talks ahead", "2025-09-10")
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))
    (form,) = [f for f in forms_of_kind(page, "statement") if "grand bargain" in f]
    assert "Reported as denied" in form
    assert '<option value="" selected>— choose —</option>' in form  # no stance by default
    response = accept(editor_client, source, "grand bargain", kind="statement", speaker=rubio().pk)
    assert "the report says these words are denied" in refused(response)
    assert not Statement.objects.filter(text="grand bargain").exists()
