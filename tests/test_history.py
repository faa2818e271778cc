"""History and restore, the way an editor uses them in the admin: a statement is added and then
changed by a colleague; its history page says who changed what (old → new); an earlier version
is restored from its revision page; a deleted statement is recovered with its sources. And the
services keep a version of what they write, with who wrote it and why."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape
from reversion.models import Version

from events import services
from events.history import Change, changes_between
from events.models import Actor, Channel, Citation, Engagement, Source, Statement
from tests.factories import ChannelFactory, EngagementFactory, SourceFactory, TransitionFactory
from tests.factories import fuzzy as parse
from tests.test_admin import CITATIONS, add_url, change_url, rendered_form, submit

ORIGINAL = "We are ready to talk at any level."
CHANGED = "We are ready to talk."
PASSAGE = "Hegseth said: “We are ready to talk at any level.”"


def history_url(statement: Statement) -> str:
    return reverse("admin:events_statement_history", args=[statement.pk])


def add_statement(client) -> Statement:
    """Add a quoted statement, with one source passage, through the admin's add form."""
    response = submit(
        client,
        add_url("statement"),
        **{
            "speaker": Actor.objects.get(slug="pete-hegseth").pk,
            "text": ORIGINAL,
            "is_verbatim": "on",
            "said": "mid Sept 2025",
            "venue": "Pentagon briefing",
            "stance": "conciliatory",
            "toward": Actor.objects.get(slug="china").pk,
            "channels": [str(Channel.objects.get(slug="us-china-military").pk)],
            f"{CITATIONS}-TOTAL_FORMS": "1",
            f"{CITATIONS}-0-source": str(Source.objects.order_by("pk").first().pk),
            f"{CITATIONS}-0-locator": "para. 8",
            f"{CITATIONS}-0-passage": PASSAGE,
            f"{CITATIONS}-0-passage_is_verbatim": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Statement.objects.get(text=ORIGINAL)


def versions_of(statement_pk) -> list[Version]:
    """Oldest first."""
    return list(Version.objects.get_for_object_reference(Statement, statement_pk).order_by("pk"))


@pytest.fixture
def changed_statement(seeded, editor_client, colleague_client):
    """Added by `editor`, then its text changed by `colleague`: two versions."""
    statement = add_statement(editor_client)
    response = submit(colleague_client, change_url(statement), text=CHANGED)
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == CHANGED
    return statement


def test_each_admin_save_keeps_a_version_with_its_author(changed_statement, editor, colleague):
    first, second = versions_of(changed_statement.pk)

    assert first.revision.user == editor
    assert second.revision.user == colleague
    assert first.field_dict["text"] == ORIGINAL
    assert second.field_dict["text"] == CHANGED
    assert "Text" in second.revision.get_comment()


def test_history_page_shows_who_changed_the_text_and_how(changed_statement, editor_client):
    response = editor_client.get(history_url(changed_statement))

    assert response.status_code == 200
    newest, oldest = response.context["history"]
    assert newest["version"].revision.user.username == "colleague"
    assert newest["changes"] == [Change("Text", ORIGINAL, CHANGED)]
    assert oldest["version"].revision.user.username == "editor"
    assert oldest["is_first"]
    assert Change("Text", "—", ORIGINAL) in oldest["changes"]
    page = response.content.decode()
    assert "<td>colleague</td>" in page
    assert "<td>editor</td>" in page
    assert f"<del>{escape(ORIGINAL)}</del>" in page
    assert f"<ins>{escape(CHANGED)}</ins>" in page
    assert f"<ins>{escape(ORIGINAL)}</ins>" in page  # the first version, from nothing
    # The newest version comes first.
    assert page.index(f"<ins>{escape(CHANGED)}</ins>") < page.index(
        f"<ins>{escape(ORIGINAL)}</ins>"
    )


def test_history_diff_is_readable_for_choices_relations_and_fuzzy_dates(seeded):
    statement = Statement.objects.get(text__startswith="We will not instigate")
    china, us = (Actor.objects.get(slug=slug) for slug in ("china", "united-states"))
    before = {
        "stance": "conciliatory",
        "speaker_id": statement.speaker_id,
        "toward_id": china.pk,
        "said_earliest": parse("mid Sept 2025").earliest,
        "said_latest": parse("mid Sept 2025").latest,
        "said_precision": parse("mid Sept 2025").precision.value,
    }
    after = {
        **before,
        "stance": "hostile",
        "toward_id": us.pk,
        "said_earliest": parse("3 September 2025").earliest,
        "said_latest": parse("3 September 2025").latest,
        "said_precision": parse("3 September 2025").precision.value,
    }

    changes = changes_between(Statement, before, after)

    assert Change("Stance", "Conciliatory", "Hostile") in changes
    assert Change("Said", "mid-September 2025", "3 September 2025") in changes
    assert Change("Toward", china.name, us.name) in changes
    assert not [c for c in changes if c.field == "Speaker"]  # unchanged fields are left out
    assert len(changes) == 3


def test_earlier_version_is_restored_from_its_revision_page(changed_statement, editor_client):
    first, _ = versions_of(changed_statement.pk)
    revision_url = reverse("admin:events_statement_revision", args=[changed_statement.pk, first.pk])
    assert revision_url in editor_client.get(history_url(changed_statement)).content.decode()

    form = rendered_form(editor_client, revision_url)
    assert form["text"] == [ORIGINAL]  # the page shows the old version...
    changed_statement.refresh_from_db()
    assert changed_statement.text == CHANGED  # ...without changing anything yet

    response = editor_client.post(revision_url, form)

    assert response.status_code == 302
    changed_statement.refresh_from_db()
    assert changed_statement.text == ORIGINAL
    assert changed_statement.citations.get().passage == PASSAGE
    restored = versions_of(changed_statement.pk)[-1]
    assert restored.revision.user.username == "editor"
    assert "Reverted to previous version" in restored.revision.get_comment()
    history = editor_client.get(history_url(changed_statement)).context["history"]
    assert history[0]["changes"] == [Change("Text", CHANGED, ORIGINAL)]


def test_deleted_statement_is_recovered_with_its_citations(changed_statement, editor_client):
    pk = changed_statement.pk
    citation = changed_statement.citations.get()
    channels = list(changed_statement.channels.all())
    statement_type = ContentType.objects.get_for_model(Statement)

    response = editor_client.post(
        reverse("admin:events_statement_delete", args=[pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Statement.objects.filter(pk=pk).exists()
    assert not Citation.objects.filter(content_type=statement_type, object_id=pk).exists()

    recover_list = editor_client.get(reverse("admin:events_statement_recoverlist"))
    assert recover_list.status_code == 200
    deleted = Version.objects.get_deleted(Statement).get(object_id=str(pk))
    recover_url = reverse("admin:events_statement_recover", args=[deleted.pk])
    assert recover_url in recover_list.content.decode()

    form = rendered_form(editor_client, recover_url)
    assert form["text"] == [CHANGED]
    assert not Statement.objects.filter(pk=pk).exists()  # opening the page restores nothing

    response = editor_client.post(recover_url, form)

    assert response.status_code == 302
    recovered = Statement.objects.get(pk=pk)
    assert recovered.text == CHANGED
    assert list(recovered.channels.all()) == channels
    restored_citation = recovered.citations.get()
    assert (restored_citation.pk, restored_citation.source_id, restored_citation.passage) == (
        citation.pk,
        citation.source_id,
        PASSAGE,
    )
    assert (
        recovered
        in editor_client.get(reverse("admin:events_statement_changelist")).context["cl"].result_list
    )


def _delete_and_recover(client, record) -> None:
    model_name = record._meta.model_name
    delete = client.post(
        reverse(f"admin:events_{model_name}_delete", args=[record.pk]), {"post": "yes"}
    )
    assert delete.status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()
    deleted = Version.objects.get_deleted(type(record)).get(object_id=str(record.pk))
    recover_url = reverse(f"admin:events_{model_name}_recover", args=[deleted.pk])
    response = client.post(recover_url, rendered_form(client, recover_url))
    assert response.status_code == 302


def _citations_of(records) -> list[tuple[str, int, int, str]]:
    return sorted(
        (type(r)._meta.model_name, c.pk, c.source_id, c.passage)
        for r in records
        for c in r.citations.all()
    )


def test_recovering_a_statement_brings_back_its_interpretations_and_their_sources(
    seeded, editor_client
):
    statement = Statement.objects.get(text__startswith="The threat China poses")
    interpretations = list(statement.interpretations.all())
    assert interpretations
    before = _citations_of([statement, *interpretations])
    # The seed writes rows directly; history starts with the first save in the admin.
    assert submit(editor_client, change_url(statement)).status_code == 302

    _delete_and_recover(editor_client, statement)

    recovered = Statement.objects.get(pk=statement.pk)
    assert list(recovered.interpretations.all()) == interpretations
    assert _citations_of([recovered, *recovered.interpretations.all()]) == before


def test_recovering_an_engagement_brings_back_its_steps_participants_and_sources(
    seeded, editor_client
):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    parts = {
        "transitions": list(call.transitions.all()),
        "participations": list(call.participations.all()),
    }
    assert all(parts.values())
    before = _citations_of([call, *parts["transitions"], *parts["participations"]])
    assert submit(editor_client, change_url(call)).status_code == 302

    _delete_and_recover(editor_client, call)

    recovered = Engagement.objects.get(pk=call.pk)
    assert recovered.state == "proposed"
    assert list(recovered.transitions.all()) == parts["transitions"]
    assert list(recovered.participations.all()) == parts["participations"]
    assert (
        _citations_of([recovered, *recovered.transitions.all(), *recovered.participations.all()])
        == before
    )


# --- Services keep versions too ----------------------------------------------------------------


def test_status_change_record_keeps_a_version_by_its_user(db, editor):
    channel = ChannelFactory()

    change = services.status_change_record(
        channel=channel,
        status="limited",
        date=parse("early Sept 2025"),
        explanation="Leaders' offices have begun to talk.",
        citations=[services.CitationInput(source=SourceFactory(), passage="They talk.")],
        user=editor,
    )

    version = Version.objects.get_for_object(change).get()
    assert version.revision.user == editor
    assert "limited" in version.revision.get_comment()
    assert version.field_dict["status"] == "limited"
    # The citation written with it is in the same revision.
    in_revision = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"statuschange", "citation"} <= in_revision


def test_engagement_transition_keeps_a_version_by_its_user(db, editor):
    engagement = EngagementFactory()
    TransitionFactory(engagement=engagement)

    step = services.engagement_transition(
        engagement=engagement,
        to_state="scheduled",
        date=parse("17 September 2025"),
        citations=[services.CitationInput(source=SourceFactory(), passage="Scheduled.")],
        user=editor,
    )

    version = Version.objects.get_for_object(step).get()
    assert version.revision.user == editor
    assert "scheduled" in version.revision.get_comment()
    engagement_version = Version.objects.get_for_object(engagement).get()
    assert engagement_version.revision == version.revision
    assert engagement_version.field_dict["state"] == "scheduled"
