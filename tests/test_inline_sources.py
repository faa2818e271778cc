"""No fact without a source, in the admin's inline rows too: a participant, a characterisation or
an interpretation added as a row takes its source passage in the row, preselected as the parent
record's source; a new row without one is refused on the row's field and nothing is saved; rows
already cited say so and need nothing more."""

import pytest
from django.utils.html import escape

from events.models import Engagement, Interpretation, Participation, Source, Statement
from tests.test_admin import actor, change_url, refused, rendered_form, report, shows

FORUM = "Beijing Xiangshan Forum — US participation"
MEETING = "Rubio meets China's Foreign Minister in Malaysia"
QUOTE = "The threat China poses is real and it could be imminent."
NEEDS_PASSAGE = "Give the passage of the source that supports this."


def engagement(title: str) -> Engagement:
    return Engagement.objects.get(title=title)


def inline(response, prefix: str):
    """The formset of the inline whose prefix is `prefix`, as the admin rendered it."""
    for admin_formset in response.context["inline_admin_formsets"]:
        if admin_formset.formset.prefix == prefix:
            return admin_formset.formset
    raise AssertionError(f"no inline {prefix!r} on the page")


def row_errors(response, prefix: str, row: int) -> dict[str, list[str]]:
    return {k: list(v) for k, v in inline(response, prefix).forms[row].errors.items()}


def with_new_row(form: dict, prefix: str, **fields) -> tuple[dict, int]:
    """The rendered form with one more row in the inline `prefix`, filled with `fields`."""
    row = int(form[f"{prefix}-TOTAL_FORMS"][0])
    data = {**form, f"{prefix}-TOTAL_FORMS": [str(row + 1)]}
    for name, value in fields.items():
        data[f"{prefix}-{row}-{name}"] = [str(value)]
    return data, row


def everything() -> tuple:
    return (
        list(Participation.objects.order_by("pk").values()),
        list(Interpretation.objects.order_by("pk").values()),
        sorted(Engagement.objects.values_list("pk", "title")),
        Engagement.objects.get(title=MEETING).characterisations.count(),
    )


@pytest.fixture
def forum(seeded) -> Engagement:
    return engagement(FORUM)


def test_each_fact_row_takes_a_source_preselected_as_the_parents(forum, editor_client):
    response = editor_client.get(change_url(forum))

    participations = inline(response, "participations")
    template = participations.empty_form
    # A new row (the "Add another" template) starts with the engagement's own source.
    assert template["source"].value() == report().pk
    assert template["passage"].value() in (None, "")
    page = response.content.decode()
    assert 'name="participations-__prefix__-source"' in page
    assert 'name="participations-__prefix__-passage"' in page
    # Rows already cited say where from and ask for nothing.
    assert "cited: Nikkei Asia, para. 7" in page or f"cited: {report().outlet}, para. 7" in page
    for row in participations.forms:
        assert row["source"].value() in (None, "")


def test_new_participant_without_a_source_is_refused_on_the_row_and_nothing_is_saved(
    forum, editor_client
):
    before = everything()
    form = rendered_form(editor_client, change_url(forum))
    data, row = with_new_row(
        form,
        "participations",
        actor=actor("pete-hegseth").pk,
        side=actor("united-states").pk,
        role="principal",
        attendance="tentative",
        source="",
        passage="",
    )
    data["title"] = ["Renamed while adding a participant"]

    response = editor_client.post(change_url(forum), data)

    assert refused(response)
    assert row_errors(response, "participations", row) == {
        "source": ["Participation needs a source: pick the document that reports it."],
        "passage": [NEEDS_PASSAGE],
    }
    assert shows(response, "Participation needs a source: pick the document that reports it.")
    # Neither the row nor the engagement's own change was saved.
    assert everything() == before


def test_new_participant_with_the_default_source_and_no_passage_is_refused(forum, editor_client):
    before = everything()
    form = rendered_form(editor_client, change_url(forum))
    data, row = with_new_row(
        form,
        "participations",
        actor=actor("pete-hegseth").pk,
        side=actor("united-states").pk,
        role="principal",
        attendance="tentative",
        source=report().pk,
    )

    response = editor_client.post(change_url(forum), data)

    assert refused(response)
    assert row_errors(response, "participations", row) == {"passage": [NEEDS_PASSAGE]}
    assert everything() == before


def test_new_participant_with_the_parents_source_is_saved_with_that_citation(forum, editor_client):
    form = rendered_form(editor_client, change_url(forum))
    default = inline(editor_client.get(change_url(forum)), "participations").empty_form
    data, _ = with_new_row(
        form,
        "participations",
        actor=actor("pete-hegseth").pk,
        side=actor("united-states").pk,
        role="principal",
        attendance="tentative",
        source=default["source"].value(),
        locator="para. 9",
        passage="Hegseth may lead the delegation.",
    )

    response = editor_client.post(change_url(forum), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    added = forum.participations.get(actor=actor("pete-hegseth"))
    citation = added.citations.get()
    assert (citation.source, citation.locator, citation.passage) == (
        report(),
        "para. 9",
        "Hegseth may lead the delegation.",
    )
    # The rows already there kept their citations and gained none.
    for other in forum.participations.exclude(pk=added.pk):
        assert other.citations.count() == 1


def test_new_characterisation_without_a_source_is_refused_and_nothing_is_saved(
    seeded, editor_client
):
    meeting = engagement(MEETING)
    before = everything()
    form = rendered_form(editor_client, change_url(meeting))
    data, row = with_new_row(
        form,
        "characterisations",
        side=actor("china").pk,
        words="candid and in-depth",
        source="",
        passage="",
    )

    response = editor_client.post(change_url(meeting), data)

    assert refused(response)
    assert row_errors(response, "characterisations", row) == {
        "source": ["Characterisation needs a source: pick the document that reports it."],
        "passage": [NEEDS_PASSAGE],
    }
    assert everything() == before


def test_new_characterisation_with_a_source_is_saved_with_it(seeded, editor_client):
    meeting = engagement(MEETING)
    form = rendered_form(editor_client, change_url(meeting))
    data, _ = with_new_row(
        form,
        "characterisations",
        side=actor("china").pk,
        words="candid and in-depth",
        source=report().pk,
        passage="China called the talks candid and in-depth.",
        passage_is_verbatim="on",
    )

    response = editor_client.post(change_url(meeting), data)

    assert response.status_code == 302
    citation = meeting.characterisations.get(words="candid and in-depth").citations.get()
    assert (citation.source, citation.passage_is_verbatim) == (report(), True)


def test_new_interpretation_without_a_source_is_refused_and_nothing_is_saved(seeded, editor_client):
    statement = Statement.objects.get(text=QUOTE)
    statement.interpretations.filter(side=actor("china")).delete()  # room for a new reading
    before = everything()
    form = rendered_form(editor_client, change_url(statement))
    data, row = with_new_row(
        form,
        "interpretations",
        side=actor("china").pk,
        emphasis="highlights",
        reading="Beijing reads this as a threat.",
        source="",
        passage="",
    )

    response = editor_client.post(change_url(statement), data)

    assert refused(response)
    assert row_errors(response, "interpretations", row) == {
        "source": ["Interpretation needs a source: pick the document that reports it."],
        "passage": [NEEDS_PASSAGE],
    }
    assert everything() == before


def test_an_uncited_row_can_be_given_its_source_in_place(forum, editor_client):
    smith = forum.participations.get(actor=actor("alvaro-smith"))
    smith.citations.all().delete()
    form = rendered_form(editor_client, change_url(forum))
    (row,) = [
        name.split("-")[1]
        for name, value in form.items()
        if name.startswith("participations-") and name.endswith("-id") and value == [str(smith.pk)]
    ]
    # Preselected: the engagement's source, so only the passage is left to type.
    assert form[f"participations-{row}-source"] == [str(report().pk)]

    response = editor_client.post(
        change_url(forum), {**form, f"participations-{row}-passage": ["Smith may attend."]}
    )

    assert response.status_code == 302
    assert smith.citations.get().source == report()


def test_editing_an_uncited_row_without_giving_a_source_is_refused(forum, editor_client):
    smith = forum.participations.get(actor=actor("alvaro-smith"))
    smith.citations.all().delete()
    form = rendered_form(editor_client, change_url(forum))
    (row,) = [
        name.split("-")[1]
        for name, value in form.items()
        if name.startswith("participations-") and name.endswith("-id") and value == [str(smith.pk)]
    ]

    response = editor_client.post(
        change_url(forum), {**form, f"participations-{row}-role": ["principal"]}
    )

    assert refused(response)
    assert row_errors(response, "participations", int(row)) == {"passage": [NEEDS_PASSAGE]}
    smith.refresh_from_db()
    assert smith.role == "delegation"
    assert escape(NEEDS_PASSAGE) in response.content.decode()


def test_a_source_the_rows_default_to_exists_only_when_the_parent_is_cited(seeded, editor_client):
    # A statement without citations has no source to offer: the row starts empty.
    statement = Statement.objects.create(
        speaker=actor("pete-hegseth"), text="Unsourced.", stance="neutral", is_verbatim=False
    )
    response = editor_client.get(change_url(statement))

    assert inline(response, "interpretations").empty_form["source"].value() is None
    assert Source.objects.exists()
