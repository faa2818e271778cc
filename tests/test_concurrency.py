"""Two editors at once: a second save over a colleague's is refused with what the colleague
changed, and two lifecycle steps on one engagement queue on its row lock so the second is checked
against the first's result. Nothing is lost either way.

The threaded tests need PostgreSQL: each thread has its own connection, and the rows they race
for are locked with SELECT … FOR UPDATE. The sequential tests run on both databases."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import RequestFactory
from django.utils.html import escape
from reversion.models import Revision, Version

from events import admin as events_admin
from events import services
from events.forms import record_version
from events.models import Citation, Engagement, EngagementTransition, Statement
from events.vocabularies import EngagementState
from tests.factories import ChannelFactory, SourceFactory
from tests.factories import fuzzy as parse
from tests.test_admin import CITATIONS, change_url, refused, rendered_form

STALE = "Another editor saved this record after you opened it"
ORIGINAL = "The threat China poses is real and it could be imminent."
# Both edits stay within the cited passage, so the quote check lets either through.
FIRST_EDIT = "The threat China poses is real"
SECOND_EDIT = "it could be imminent"

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT … FOR UPDATE is a no-op there) and "
    "its in-memory test database cannot be shared by two threads' connections",
)


def the_statement() -> Statement:
    statement = Statement.objects.get(text=ORIGINAL)
    assert statement.is_verbatim
    return statement


@pytest.fixture
def statement(seeded) -> Statement:
    return the_statement()


@pytest.fixture
def committed_statement(seeded_committed) -> Statement:
    """The same statement, committed, for tests whose threads each read it on a connection of
    their own."""
    return the_statement()


def run_together(*jobs):
    """Run each job in its own thread (own database connection), all released at once by a
    barrier; returns each job's result or the exception it raised, in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # reported to the test, which decides
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


def slowed(monkeypatch, owner, name: str, seconds: float = 0.5) -> None:
    """Make `owner.name` take `seconds` longer, so a second writer arrives while the first still
    holds its lock (without the lock, both would read the old row and both would save)."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(owner, name, slow)


def assert_stale_refusal(response, their_text: str, my_text: str) -> None:
    assert refused(response)
    page = response.content.decode()
    assert escape(STALE) in page
    assert escape(f"They changed: Text: “{ORIGINAL}” → “{their_text}”") in page
    assert "Reload the page to see their version" in page
    # The refused editor's own input is still on the form, to apply again.
    assert response.context["adminform"].form["text"].value() == my_text


# --- Two editors on one statement --------------------------------------------------------------


def test_second_save_over_a_colleagues_is_refused_and_shows_their_change(
    statement, editor_client, colleague_client
):
    url = change_url(statement)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    # Each form carries the version of the record as it was opened: a short digest, not a copy.
    assert mine["edit_snapshot"] == theirs["edit_snapshot"] == [record_version(statement)]
    assert len(mine["edit_snapshot"][0]) == 64
    citations = list(statement.citations.values_list("pk", "passage"))

    first = colleague_client.post(url, {**theirs, "text": [FIRST_EDIT]})
    second = editor_client.post(url, {**mine, "text": [SECOND_EDIT]})

    assert first.status_code == 302
    assert_stale_refusal(second, FIRST_EDIT, SECOND_EDIT)
    statement.refresh_from_db()
    assert statement.text == FIRST_EDIT
    assert list(statement.citations.values_list("pk", "passage")) == citations
    versions = Version.objects.get_for_object(statement)
    # The colleague's save, then the seed loader's (no user): the refused save left none.
    assert [v.revision.user and v.revision.user.username for v in versions] == ["colleague", None]


def test_reloading_after_a_refusal_lets_the_change_through(
    statement, editor_client, colleague_client
):
    url = change_url(statement)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    assert colleague_client.post(url, {**theirs, "text": [FIRST_EDIT]}).status_code == 302
    assert refused(editor_client.post(url, {**mine, "venue": ["Shangri-La Dialogue"]}))

    reloaded = rendered_form(editor_client, url)
    assert reloaded["text"] == [FIRST_EDIT]
    response = editor_client.post(url, {**reloaded, "venue": ["Shangri-La Dialogue"]})

    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.text, statement.venue) == (FIRST_EDIT, "Shangri-La Dialogue")


def test_saving_a_record_a_colleague_deleted_is_refused(statement, editor, editor_client):
    url = change_url(statement)
    mine = rendered_form(editor_client, url)
    pk = statement.pk
    # Deleted while the editor still has the form open. The admin answers the change URL itself
    # with a redirect ("doesn't exist") before any form runs, so check the form's guard directly.
    request = RequestFactory().get(url)
    request.user = editor
    form_class = events_admin.admin.site.get_model_admin(Statement).get_form(request, statement)
    form = form_class({k: v[0] for k, v in mine.items()}, instance=statement)
    Statement.objects.filter(pk=pk).delete()

    assert not form.is_valid()
    assert "Another editor deleted this record while you were editing it." in str(
        form.non_field_errors()
    )
    assert editor_client.post(url, mine).status_code == 302  # to the list, saving nothing
    assert not Statement.objects.filter(pk=pk).exists()


def test_a_form_without_its_edit_check_is_refused(statement, editor_client):
    url = change_url(statement)
    data = rendered_form(editor_client, url)
    data["edit_snapshot"] = ["tampered"]

    response = editor_client.post(url, {**data, "text": [FIRST_EDIT]})

    assert refused(response)
    assert "This form is missing its edit check" in response.content.decode()
    statement.refresh_from_db()
    assert statement.text == ORIGINAL


# --- Two editors on one engagement's rows ------------------------------------------------------

FORUM = "Beijing Xiangshan Forum — US participation"
ROW_STALE = "Another editor saved this {what} ({row}) after you opened it"


@pytest.fixture
def forum(seeded) -> Engagement:
    return Engagement.objects.get(title=FORUM)


def row_of(form: dict, prefix: str, pk: int) -> int:
    """The position of the row for record `pk` in the inline `prefix` of a rendered form."""
    (row,) = [
        int(name.split("-")[-2])
        for name, value in form.items()
        if name.startswith(f"{prefix}-") and name.endswith("-id") and value == [str(pk)]
    ]
    return row


def stored(forum: Engagement) -> tuple:
    return (
        forum.__class__.objects.filter(pk=forum.pk).values_list("title", "location").get(),
        sorted(forum.participations.values_list("pk", "role", "attendance")),
        sorted(Citation.objects.values_list("pk", "passage", "locator")),
    )


def test_a_row_a_colleague_changed_refuses_the_save_and_shows_their_change(
    forum, editor_client, colleague_client
):
    url = change_url(forum)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    smith = forum.participations.get(actor__slug="alvaro-smith")
    row = row_of(theirs, "participations", smith.pk)
    # Each row carries its own version, as the record does.
    assert mine[f"participations-{row}-edit_snapshot"] == [record_version(smith)]

    first = colleague_client.post(url, {**theirs, f"participations-{row}-role": ["principal"]})
    assert first.status_code == 302
    after_theirs = stored(forum)
    # A different edit: the engagement's location, not the row.
    second = editor_client.post(url, {**mine, "location": ["Beijing, Xiangshan hotel"]})

    assert refused(second)
    page = second.content.decode()
    smith.refresh_from_db()
    assert escape(ROW_STALE.format(what="participation", row=smith)) in page
    assert escape("They changed: Role: “Delegation member” → “Principal”") in page
    assert stored(forum) == after_theirs
    assert smith.role == "principal"


def test_a_citation_passage_a_colleague_changed_refuses_the_save_and_shows_their_change(
    forum, editor_client, colleague_client
):
    url = change_url(forum)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    citation = forum.citations.get()
    row = row_of(theirs, CITATIONS, citation.pk)
    original = citation.passage
    edited = "The Pentagon is weighing participation in Beijing's Xiangshan Forum."

    first = colleague_client.post(url, {**theirs, f"{CITATIONS}-{row}-passage": [edited]})
    assert first.status_code == 302
    after_theirs = stored(forum)
    second = editor_client.post(
        url, {**mine, f"{CITATIONS}-{row}-passage": [original + " (checked)"]}
    )

    assert refused(second)
    page = second.content.decode()
    assert escape("Another editor saved this citation (") in page
    assert escape(f"They changed: Passage: “{original}” → “{edited}”") in page
    assert stored(forum) == after_theirs


def test_two_edits_of_the_same_row_the_second_is_refused(forum, editor_client, colleague_client):
    url = change_url(forum)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    smith = forum.participations.get(actor__slug="alvaro-smith")
    row = row_of(theirs, "participations", smith.pk)

    assert (
        colleague_client.post(
            url, {**theirs, f"participations-{row}-attendance": ["confirmed"]}
        ).status_code
        == 302
    )
    second = editor_client.post(url, {**mine, f"participations-{row}-role": ["principal"]})

    assert refused(second)
    page = second.content.decode()
    assert escape("They changed: Attendance: “Considering / tentative” → “Confirmed”") in page
    smith.refresh_from_db()
    assert (smith.role, smith.attendance) == ("delegation", "confirmed")


def test_a_row_a_colleague_deleted_refuses_the_save(forum, editor_client, colleague_client):
    url = change_url(forum)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    smith = forum.participations.get(actor__slug="alvaro-smith")
    row = row_of(theirs, "participations", smith.pk)

    assert (
        colleague_client.post(url, {**theirs, f"participations-{row}-DELETE": ["on"]}).status_code
        == 302
    )
    after_theirs = stored(forum)
    second = editor_client.post(url, {**mine, f"participations-{row}-role": ["principal"]})

    assert refused(second)
    assert escape(
        "Another editor deleted a participation on this page while you were editing it"
    ) in (second.content.decode())
    assert stored(forum) == after_theirs


def test_a_row_without_its_edit_check_is_refused(forum, editor_client):
    url = change_url(forum)
    form = rendered_form(editor_client, url)
    smith = forum.participations.get(actor__slug="alvaro-smith")
    row = row_of(form, "participations", smith.pk)
    before = stored(forum)

    response = editor_client.post(
        url,
        {
            **form,
            f"participations-{row}-edit_snapshot": ["tampered"],
            f"participations-{row}-role": ["principal"],
        },
    )

    assert refused(response)
    assert "This form is missing its edit check" in response.content.decode()
    assert stored(forum) == before


def test_reloading_after_a_row_refusal_lets_the_change_through(
    forum, editor_client, colleague_client
):
    url = change_url(forum)
    mine, theirs = rendered_form(editor_client, url), rendered_form(colleague_client, url)
    smith = forum.participations.get(actor__slug="alvaro-smith")
    row = row_of(theirs, "participations", smith.pk)
    assert (
        colleague_client.post(
            url, {**theirs, f"participations-{row}-attendance": ["confirmed"]}
        ).status_code
        == 302
    )
    assert refused(editor_client.post(url, {**mine, "location": ["Xiangshan"]}))

    reloaded = rendered_form(editor_client, url)
    response = editor_client.post(url, {**reloaded, "location": ["Xiangshan"]})

    assert response.status_code == 302
    forum.refresh_from_db()
    smith.refresh_from_db()
    assert (forum.location, smith.attendance) == ("Xiangshan", "confirmed")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_one_wins_one_is_refused(
    committed_statement, editor_client, colleague_client, monkeypatch
):
    statement = committed_statement
    url = change_url(statement)
    forms = {
        "editor": (editor_client, rendered_form(editor_client, url), FIRST_EDIT),
        "colleague": (colleague_client, rendered_form(colleague_client, url), SECOND_EDIT),
    }
    citations = sorted(statement.citations.values_list("pk", "passage"))
    slowed(monkeypatch, events_admin.StatementAdmin, "save_model")

    def save(who):
        client, data, text = forms[who]
        return lambda: client.post(url, {**data, "text": [text]})

    results = dict(zip(forms, run_together(save("editor"), save("colleague")), strict=True))

    for result in results.values():
        assert not isinstance(result, Exception), result
    winners = [who for who, response in results.items() if response.status_code == 302]
    assert len(winners) == 1, {who: r.status_code for who, r in results.items()}
    (winner,) = winners
    (loser,) = set(forms) - {winner}
    assert_stale_refusal(results[loser], forms[winner][2], forms[loser][2])
    statement.refresh_from_db()
    assert statement.text == forms[winner][2]
    assert sorted(statement.citations.values_list("pk", "passage")) == citations
    versions = Version.objects.get_for_object(statement)
    assert [v.revision.user and v.revision.user.username for v in versions] == [winner, None]


# --- Two lifecycle steps on one engagement ------------------------------------------------------


@pytest.fixture
def proposed(db, editor) -> Engagement:
    """A proposed engagement with its first step, written through the service."""
    channel = ChannelFactory()
    engagement = Engagement(channel=channel, kind="meeting", title="Defence talks")
    engagement.when = parse("late September 2025")
    return services.engagement_create(
        engagement=engagement,
        state="proposed",
        reported=parse("3 September 2025"),
        citations=[services.CitationInput(source=SourceFactory(), passage="Talks proposed.")],
        user=editor,
    )


def step(engagement_pk: int, to_state: str, user):
    return services.engagement_transition(
        engagement=Engagement.objects.get(pk=engagement_pk),
        to_state=to_state,
        date=parse("17 September 2025"),
        citations=[services.CitationInput(source=SourceFactory(), passage=f"Now {to_state}.")],
        user=user,
    )


def refusal_of(from_state: str, to_state: str) -> str:
    return (
        f"An engagement cannot go from {EngagementState(from_state).label} to "
        f"{EngagementState(to_state).label}."
    )


def assert_one_step_recorded(engagement: Engagement, winner: str) -> None:
    engagement.refresh_from_db()
    assert engagement.state == winner
    steps = list(engagement.transitions.order_by("id").values_list("from_state", "to_state"))
    assert steps == [("", "proposed"), ("proposed", winner)]
    step_passages = sorted(
        Citation.objects.filter(
            content_type__model="engagementtransition",
            object_id__in=engagement.transitions.values_list("pk", flat=True),
        ).values_list("passage", flat=True)
    )
    assert step_passages == sorted(["Talks proposed.", f"Now {winner}."])
    assert (
        not Citation.objects.filter(passage__startswith="Now ")
        .exclude(passage=f"Now {winner}.")
        .exists()
    )
    comments = Revision.objects.filter(comment__startswith="Lifecycle step").values_list(
        "comment", flat=True
    )
    assert [c.split(":")[1].split()[0] for c in comments] == [winner]


def test_a_step_that_no_longer_fits_the_new_state_is_refused(proposed, editor, colleague):
    step(proposed.pk, "scheduled", editor)

    with pytest.raises(ValidationError) as error:
        step(proposed.pk, "declined", colleague)

    assert error.value.message_dict["to_state"][0].startswith(refusal_of("scheduled", "declined"))
    assert_one_step_recorded(proposed, "scheduled")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_steps_at_the_same_moment_queue_and_the_second_is_refused(
    proposed, editor, colleague, monkeypatch
):
    slowed(monkeypatch, services, "engagement_transition_check")
    wanted = {"scheduled": editor, "declined": colleague}

    results = dict(
        zip(
            wanted,
            run_together(*(lambda s=s, u=u: step(proposed.pk, s, u) for s, u in wanted.items())),
            strict=True,
        )
    )

    done = [s for s, r in results.items() if isinstance(r, EngagementTransition)]
    assert len(done) == 1, results
    (winner,) = done
    (loser,) = set(wanted) - {winner}
    error = results[loser]
    assert isinstance(error, ValidationError), error
    assert error.message_dict["to_state"][0].startswith(refusal_of(winner, loser))
    assert EngagementTransition.objects.filter(engagement=proposed).count() == 2
    assert_one_step_recorded(proposed, winner)
