"""The editors' workspace, driven the way an editor drives it: pages are opened, the forms the
admin renders are filled in and posted, and the tests check what the editor sees on the page and
what the database then holds."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.models import (
    Actor,
    Channel,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Source,
    Statement,
    StatusChange,
)
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    PersonFactory,
    SourceFactory,
    StateFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)

# Prefix of the generic "source passages" inline on every fact's form.
CITATIONS = "events-citation-content_type-object_id"


REGISTERED = [
    "actor",
    "channel",
    "citation",
    "counterpartclaim",
    "engagement",
    "engagementtransition",
    "office",
    "source",
    "statement",
    "statuschange",
    "stickingpoint",
]
# Pages with a citation inline. StatusChange and EngagementTransition add pages take their first
# source in the form itself; Source and Citation pages have no inline.
WITH_CITATION_INLINE_ON_ADD = [
    "actor",
    "channel",
    "counterpartclaim",
    "engagement",
    "office",
    "statement",
    "stickingpoint",
]
# --- Driving the admin's forms -------------------------------------------------------------------


class _RenderedForm(HTMLParser):
    """Collects what a browser would submit from the admin's main form as rendered: inputs with
    their values, checked boxes, selected options (or a single select's first option) and
    textareas. Empty inline templates (`__prefix__`) are skipped, as the browser never posts them.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: dict | None = None
        self._textarea: list | None = None

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value") or "on")
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "on": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["on"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._add(name, text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            values = select["on"]
            if not values and not select["multiple"] and select["first"] is not None:
                values = [select["first"]]
            for value in values:
                self._add(select["name"], value)


def rendered_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _RenderedForm()
    parser.feed(response.content.decode())
    assert "csrfmiddlewaretoken" in parser.data, f"no admin form found at {url}"
    return parser.data


def submit(client, url: str, **changes):
    """Open the form at `url`, fill in `changes` over what the page renders, and post it."""
    data = rendered_form(client, url)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [str(value)]
    return client.post(url, data)


def shows(response, message: str) -> bool:
    """The message appears on the page (as the template escapes it)."""
    return escape(message) in response.content.decode()


def refused(response) -> bool:
    """The admin re-rendered the form with errors instead of saving and redirecting."""
    return response.status_code == 200 and "errornote" in response.content.decode()


def add_url(model: str) -> str:
    return reverse(f"admin:events_{model}_add")


def change_url(obj) -> str:
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model: str) -> str:
    return reverse(f"admin:events_{model}_changelist")


# --- Seeded records ------------------------------------------------------------------------------


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


def channel(slug: str) -> Channel:
    return Channel.objects.get(slug=slug)


def report() -> Source:
    return Source.objects.get(title__startswith="Pentagon proposes military call")


def proposed_defense_call() -> Engagement:
    return Engagement.objects.get(title__startswith="Proposed call between the Pentagon")


# --- Smoke tests on the seeded database ----------------------------------------------------------


def test_every_registered_model_is_covered_by_the_smoke_tests():
    registered = {
        m._meta.model_name
        for m in apps.get_app_config("events").get_models()
        if admin.site.is_registered(m)
    }
    assert registered == set(REGISTERED)


@pytest.mark.parametrize("model", REGISTERED)
def test_changelist_opens_on_seeded_data(seeded, admin_client, model):
    response = admin_client.get(changelist_url(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize("model", REGISTERED)
def test_add_page_opens(seeded, admin_client, model):
    response = admin_client.get(add_url(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED)
def test_change_page_of_a_seeded_row_opens(seeded, admin_client, model):
    obj = apps.get_model("events", model).objects.order_by("pk").first()

    response = admin_client.get(change_url(obj))

    assert response.status_code == 200


def test_status_change_list_shows_dates_as_people_write_them(seeded, admin_client):
    response = admin_client.get(changelist_url("statuschange"))

    assert shows(response, "3–16 September 2025")
    assert shows(response, "11 July 2025")


def test_engagement_list_shows_dates_as_people_write_them(seeded, admin_client):
    response = admin_client.get(changelist_url("engagement"))

    assert shows(response, "late 2024 – early 2025")
    assert shows(response, "17–19 September 2025")
    assert shows(response, "early September 2025")


def test_source_list_shows_published_dates_as_people_write_them(seeded, admin_client):
    response = admin_client.get(changelist_url("source"))

    assert shows(response, "3–16 September 2025")
    assert shows(response, "31 May 2025")


def test_statement_search_finds_both_hegseth_quotes(seeded, admin_client):
    response = admin_client.get(changelist_url("statement"), {"q": "Hegseth"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert shows(response, "We will not instigate nor seek to subjugate or humiliate")
    assert shows(response, "The threat China poses is real and it could be imminent.")


def test_statement_search_narrows_to_matching_text(seeded, admin_client):
    response = admin_client.get(changelist_url("statement"), {"q": "imminent"})

    assert response.context["cl"].result_count == 1
    assert shows(response, "The threat China poses is real and it could be imminent.")
    assert not shows(response, "We will not instigate")


def test_actor_autocomplete_finds_zhang_youxia(seeded, admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "events",
            "model_name": "participation",
            "field_name": "actor",
            "term": "Zhang",
        },
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert {"id": str(actor("zhang-youxia").pk), "text": "Zhang Youxia"} in results
    assert all("Zhang" in r["text"] for r in results)


# --- Changelist query counts ---------------------------------------------------------------------


# Each maker adds n rows of one changelist's model, taking channels from `new_channel`.


def _make_source(n, new_channel):
    SourceFactory.create_batch(n)


def _make_citation(n, new_channel):
    for _ in range(n):
        cite(StatusChangeFactory(channel=new_channel()))


def _make_actor(n, new_channel):
    PersonFactory.create_batch(n)


def _make_office(n, new_channel):
    OfficeFactory.create_batch(n)


def _make_channel(n, new_channel):
    for _ in range(n):
        channel = ChannelFactory()
        StatusChangeFactory(channel=channel)
        StickingPointFactory(channel=channel)


def _make_status_change(n, new_channel):
    for _ in range(n):
        StatusChangeFactory(channel=new_channel())


def _make_engagement(n, new_channel):
    for _ in range(n):
        channel = new_channel()
        EngagementFactory(channel=channel, initiator=channel.party_a)


def _make_transition(n, new_channel):
    for _ in range(n):
        TransitionFactory(engagement=EngagementFactory(channel=new_channel()))


def _make_statement(n, new_channel):
    for _ in range(n):
        statement = StatementFactory(toward=StateFactory())
        statement.channels.add(new_channel())


def _make_counterpart_claim(n, new_channel):
    for _ in range(n):
        channel = new_channel()
        CounterpartClaim.objects.create(
            channel=channel,
            office=OfficeFactory(),
            claimant=channel.party_a,
            counterpart_office=OfficeFactory(),
            counterpart_person=PersonFactory(),
        )


def _make_sticking_point(n, new_channel):
    for _ in range(n):
        StickingPointFactory(channel=new_channel())


MAKERS = {
    "source": _make_source,
    "citation": _make_citation,
    "actor": _make_actor,
    "office": _make_office,
    "channel": _make_channel,
    "statuschange": _make_status_change,
    "engagement": _make_engagement,
    "engagementtransition": _make_transition,
    "statement": _make_statement,
    "counterpartclaim": _make_counterpart_claim,
    "stickingpoint": _make_sticking_point,
}
# Changelists with a list filter over channels.
CHANNEL_FILTERED = [
    "counterpartclaim",
    "engagement",
    "engagementtransition",
    "statement",
    "stickingpoint",
]


def _changelist_queries(client, model: str) -> tuple[int, int]:
    """(queries run, rows listed) for one changelist request, after a warm-up request."""
    url = changelist_url(model)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def _assert_fixed_queries(client, model: str, new_channel) -> None:
    MAKERS[model](2, new_channel)
    queries_for_2, rows = _changelist_queries(client, model)
    assert rows >= 2  # actors: each person comes with its state

    MAKERS[model](18, new_channel)
    queries_for_20, rows = _changelist_queries(client, model)
    assert rows >= 20

    assert queries_for_20 == queries_for_2


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_changelist_runs_the_same_number_of_queries_for_2_and_20_rows(db, admin_client, model):
    # Each row on its own channel, as records on a growing monitor would be.
    _assert_fixed_queries(admin_client, model, ChannelFactory)


@pytest.mark.parametrize("model", CHANNEL_FILTERED)
def test_changelist_rows_on_one_channel_run_the_same_number_of_queries_for_2_and_20(
    db, admin_client, model
):
    # The rows themselves (not the channel filter) cost no query each.
    shared = ChannelFactory()
    _assert_fixed_queries(admin_client, model, lambda: shared)


def test_every_registered_changelist_has_a_query_count_test():
    assert set(MAKERS) == set(REGISTERED)


# --- Recording a status change -------------------------------------------------------------------


def _status_change_form(channel_: Channel, date_text: str, source: Source | None) -> dict:
    return {
        "channel": channel_.pk,
        "status": "limited",
        "date": date_text,
        "trend": "improving",
        "confidence": "low",
        "explanation": "Leaders' offices have begun to talk about a call.",
        "source": source.pk if source else "",
        "locator": "para. 3",
        "passage": "US officials see the call as groundwork for a Trump–Xi summit.",
    }


def test_status_change_with_fuzzy_date_is_recorded_with_its_citation(seeded, admin_client):
    leaders = channel("us-china-leaders")
    board = admin_client.get(leaders.get_absolute_url())
    assert not shows(board, "since early September 2025")
    citations_before = Citation.objects.count()

    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(leaders, "early Sept 2025", report()),
    )

    assert response.status_code == 302
    change = StatusChange.objects.get(channel=leaders)
    assert change.status == "limited"
    assert change.trend == "improving"
    assert change.confidence == "low"
    assert (change.date_earliest, change.date_latest) == (date(2025, 9, 1), date(2025, 9, 10))
    assert change.date_precision == "part_of_month"
    assert Citation.objects.count() == citations_before + 1
    citation = change.citations.get()
    assert citation.source == report()
    assert citation.locator == "para. 3"
    assert citation.passage == "US officials see the call as groundwork for a Trump–Xi summit."

    board = admin_client.get(leaders.get_absolute_url())
    assert board.status_code == 200
    assert shows(board, "since early September 2025")


def test_status_change_with_unparseable_date_shows_error_and_saves_nothing(seeded, admin_client):
    leaders = channel("us-china-leaders")
    changes_before, citations_before = StatusChange.objects.count(), Citation.objects.count()

    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(leaders, "next Tuesday", report()),
    )

    assert refused(response)
    with pytest.raises(FuzzyDateError) as error:
        FuzzyDate.parse("next Tuesday")
    assert shows(response, str(error.value))
    assert shows(response, '"next Tuesday" is not a date this app can read.')
    assert StatusChange.objects.count() == changes_before
    assert Citation.objects.count() == citations_before


def test_status_change_without_source_shows_error_and_saves_nothing(seeded, admin_client):
    leaders = channel("us-china-leaders")
    changes_before, citations_before = StatusChange.objects.count(), Citation.objects.count()

    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(leaders, "early Sept 2025", None),
    )

    assert refused(response)
    form = response.context["adminform"].form
    assert "source" in form.errors
    assert shows(response, form.errors["source"][0])
    assert StatusChange.objects.count() == changes_before
    assert Citation.objects.count() == citations_before


def test_status_change_without_passage_shows_error_and_saves_nothing(seeded, admin_client):
    leaders = channel("us-china-leaders")
    changes_before, citations_before = StatusChange.objects.count(), Citation.objects.count()
    form = _status_change_form(leaders, "early Sept 2025", report())
    form["passage"] = ""

    response = submit(admin_client, add_url("statuschange"), **form)

    assert refused(response)
    assert "passage" in response.context["adminform"].form.errors
    assert StatusChange.objects.count() == changes_before
    assert Citation.objects.count() == citations_before


# --- Adding an engagement ------------------------------------------------------------------------


def _engagement_form(channel_: Channel, first_state: str, initiator: Actor | None) -> dict:
    return {
        "channel": channel_.pk,
        "kind": "visit",
        "title": "Deputy assistant secretary attends the Xiangshan Forum",
        "when": "17–19 September 2025",
        "location": "Beijing",
        "initiator": initiator.pk if initiator else "",
        "purpose": "Keep a senior US presence at the forum.",
        "first_state": first_state,
        "reported": "16 September 2025",
        "source": report().pk,
        "locator": "para. 7",
        "passage": "Alvaro Smith, a deputy assistant secretary of defense, may attend.",
    }


def test_engagement_added_as_proposed_gets_its_first_step_and_citations(seeded, admin_client):
    military = channel("us-china-military")
    smith = actor("alvaro-smith")
    form = _engagement_form(military, "proposed", actor("united-states"))
    form.update(
        {
            "participations-TOTAL_FORMS": "1",
            "participations-0-id": "",
            "participations-0-engagement": "",
            "participations-0-actor": str(smith.pk),
            "participations-0-side": str(actor("united-states").pk),
            "participations-0-role": "delegation",
            "participations-0-attendance": "tentative",
            "participations-0-source": str(report().pk),
            "participations-0-locator": "para. 7",
            "participations-0-passage": "Alvaro Smith is considering attending.",
        }
    )

    response = submit(admin_client, add_url("engagement"), **form)

    assert response.status_code == 302
    engagement = Engagement.objects.get(title=form["title"])
    assert engagement.channel == military
    assert engagement.state == "proposed"
    assert engagement.initiator == actor("united-states")
    assert (engagement.when_earliest, engagement.when_latest) == (
        date(2025, 9, 17),
        date(2025, 9, 19),
    )
    assert str(engagement.when) == "17–19 September 2025"
    step = engagement.transitions.get()
    assert (step.from_state, step.to_state) == ("", "proposed")
    assert str(step.date) == "16 September 2025"
    for fact in (engagement, step):
        citation = fact.citations.get()
        assert citation.source == report()
        assert citation.passage == form["passage"]
    participation = engagement.participations.get()
    assert (participation.actor, participation.role) == (smith, "delegation")
    assert participation.citations.get().passage == "Alvaro Smith is considering attending."


def test_engagement_added_as_already_held_is_allowed(seeded, admin_client):
    response = submit(
        admin_client,
        add_url("engagement"),
        **_engagement_form(channel("us-china-military"), "held", None),
    )

    assert response.status_code == 302
    engagement = Engagement.objects.get(title__startswith="Deputy assistant secretary")
    assert engagement.state == "held"
    step = engagement.transitions.get()
    assert (step.from_state, step.to_state) == ("", "held")


def test_engagement_with_initiator_outside_the_channel_shows_error_and_saves_nothing(
    seeded, admin_client
):
    military = channel("us-china-military")
    outsider = StateFactory(name="Russia", short_name="Russia", slug="russia")
    counts_before = (
        Engagement.objects.count(),
        EngagementTransition.objects.count(),
        Citation.objects.count(),
    )

    response = submit(
        admin_client, add_url("engagement"), **_engagement_form(military, "proposed", outsider)
    )

    assert refused(response)
    assert shows(response, f"Russia is not a party to {military}; choose US or China.")
    assert counts_before == (
        Engagement.objects.count(),
        EngagementTransition.objects.count(),
        Citation.objects.count(),
    )


# --- Recording a lifecycle step ------------------------------------------------------------------


def _transition_form(engagement: Engagement, to_state: str, date_text: str) -> dict:
    return {
        "engagement": engagement.pk,
        "to_state": to_state,
        "date": date_text,
        "note": "Beijing agreed a date.",
        "source": report().pk,
        "locator": "para. 2",
        "passage": "The call has been scheduled.",
    }


def test_lifecycle_step_moves_engagement_along_and_refuses_going_back(seeded, admin_client):
    call = proposed_defense_call()
    assert call.state == "proposed"

    response = submit(
        admin_client,
        add_url("engagementtransition"),
        **_transition_form(call, "scheduled", "17 September 2025"),
    )

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.state == "scheduled"
    step = call.transitions.order_by("-id").first()
    assert (step.from_state, step.to_state) == ("proposed", "scheduled")
    assert str(step.date) == "17 September 2025"
    assert step.citations.get().passage == "The call has been scheduled."

    counts_before = (EngagementTransition.objects.count(), Citation.objects.count())
    response = submit(
        admin_client,
        add_url("engagementtransition"),
        **_transition_form(call, "proposed", "18 September 2025"),
    )

    assert refused(response)
    assert shows(
        response,
        "An engagement cannot go from Scheduled to Proposed. "
        "Allowed next: Cancelled, Held, Postponed.",
    )
    call.refresh_from_db()
    assert call.state == "scheduled"
    assert counts_before == (EngagementTransition.objects.count(), Citation.objects.count())


def test_lifecycle_step_dated_before_the_previous_one_shows_error_and_saves_nothing(
    seeded, admin_client
):
    call = proposed_defense_call()
    steps_before = EngagementTransition.objects.count()

    response = submit(
        admin_client,
        add_url("engagementtransition"),
        **_transition_form(call, "scheduled", "1 August 2025"),
    )

    assert refused(response)
    assert shows(response, "cannot come before the previous one (3–16 September 2025)")
    call.refresh_from_db()
    assert call.state == "proposed"
    assert EngagementTransition.objects.count() == steps_before


# --- Change pages with history ------------------------------------------------------------------


def test_channel_change_page_shows_status_history_with_dates_as_written(seeded, admin_client):
    response = admin_client.get(change_url(channel("us-china-military")))

    assert response.status_code == 200
    assert shows(response, "3–16 September 2025")
    assert shows(response, "Status history")


def test_engagement_change_page_shows_lifecycle_and_edits_when_as_text(seeded, admin_client):
    call = proposed_defense_call()
    page = admin_client.get(change_url(call))
    assert page.status_code == 200
    assert shows(page, "3–16 September 2025")  # the first lifecycle step's date
    assert rendered_form(admin_client, change_url(call))["when"] == ["early September 2025"]

    response = submit(admin_client, change_url(call), when="mid Sept 2025")

    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.when_earliest, call.when_latest) == (date(2025, 9, 11), date(2025, 9, 20))
    assert call.state == "proposed"
    assert call.citations.count() == 2  # the seed's two passages, kept


def test_status_change_edit_keeps_its_citation(seeded, admin_client):
    change = StatusChange.objects.get(channel__slug="us-china-diplomatic")
    citation = change.citations.get()

    response = submit(admin_client, change_url(change), explanation="Talks resumed in Malaysia.")

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.explanation == "Talks resumed in Malaysia."
    assert str(change.date) == "11 July 2025"
    assert list(change.citations.all()) == [citation]


# --- Editing a source ----------------------------------------------------------------------------


def test_source_published_date_is_edited_as_text(seeded, admin_client):
    source = Source.objects.get(title="Wang Yi appointed foreign minister")
    form = rendered_form(admin_client, change_url(source))
    assert form["published"] == ["25 July 2023"]

    response = submit(admin_client, change_url(source), published="Q3 2025")

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.published_earliest == date(2025, 7, 1)
    assert source.published_latest == date(2025, 9, 30)
    assert source.published_precision == "quarter"
    assert source.title == "Wang Yi appointed foreign minister"
    page = admin_client.get(change_url(source)).content.decode()
    assert 'name="published" value="Q3 2025"' in page


def test_source_with_unparseable_published_date_shows_error_and_keeps_old_date(
    seeded, admin_client
):
    source = Source.objects.get(title="Wang Yi appointed foreign minister")

    response = submit(admin_client, change_url(source), published="sometime soon")

    assert refused(response)
    assert shows(response, '"sometime soon" is not a date this app can read.')
    source.refresh_from_db()
    assert str(source.published) == "25 July 2023"


# --- Adding a statement --------------------------------------------------------------------------


def _statement_form() -> dict:
    return {
        "speaker": actor("pete-hegseth").pk,
        "text": "We are ready to talk.",
        "said": "mid Sept 2025",
        "venue": "Pentagon briefing",
        "stance": "conciliatory",
        "toward": actor("china").pk,
        "channels": [str(channel("us-china-military").pk)],
    }


def test_statement_without_any_citation_row_is_refused_and_saves_nothing(seeded, admin_client):
    statements_before, citations_before = Statement.objects.count(), Citation.objects.count()
    form = _statement_form()
    form[f"{CITATIONS}-TOTAL_FORMS"] = "0"

    response = submit(admin_client, add_url("statement"), **form)

    assert refused(response)
    assert shows(response, "Please submit at least 1 form.")
    assert Statement.objects.count() == statements_before
    assert Citation.objects.count() == citations_before


def test_statement_with_blank_citation_row_is_refused_and_saves_nothing(seeded, admin_client):
    statements_before, citations_before = Statement.objects.count(), Citation.objects.count()

    response = submit(admin_client, add_url("statement"), **_statement_form())

    assert refused(response)
    assert shows(response, "This field is required.")
    assert Statement.objects.count() == statements_before
    assert Citation.objects.count() == citations_before


def test_statement_with_one_citation_is_saved_with_it(seeded, admin_client):
    form = _statement_form()
    form.update(
        {
            f"{CITATIONS}-TOTAL_FORMS": "1",
            f"{CITATIONS}-0-source": str(report().pk),
            f"{CITATIONS}-0-locator": "para. 8",
            f"{CITATIONS}-0-passage": "We are ready to talk.",
            f"{CITATIONS}-0-passage_is_verbatim": "on",
        }
    )

    response = submit(admin_client, add_url("statement"), **form)

    assert response.status_code == 302
    statement = Statement.objects.get(text="We are ready to talk.")
    assert statement.speaker == actor("pete-hegseth")
    assert str(statement.said) == "mid-September 2025"
    assert list(statement.channels.all()) == [channel("us-china-military")]
    citation = statement.citations.get()
    assert (citation.source, citation.locator, citation.passage_is_verbatim) == (
        report(),
        "para. 8",
        True,
    )


# --- Adding a channel ----------------------------------------------------------------------------


def _channel_form(party_a: Actor, party_b: Actor, slug: str) -> dict:
    return {"party_a": party_a.pk, "party_b": party_b.pk, "track": "military", "slug": slug}


def test_channel_between_a_state_and_itself_is_refused(seeded, admin_client):
    us = actor("united-states")
    channels_before = Channel.objects.count()

    response = submit(admin_client, add_url("channel"), **_channel_form(us, us, "us-us-military"))

    assert refused(response)
    assert shows(response, "A channel links two different parties.")
    assert Channel.objects.count() == channels_before


def test_channel_duplicating_a_pair_in_reverse_order_is_refused(seeded, admin_client):
    channels_before = Channel.objects.count()

    response = submit(
        admin_client,
        add_url("channel"),
        **_channel_form(actor("china"), actor("united-states"), "china-us-military"),
    )

    assert refused(response)
    assert shows(response, "These two parties already have a channel on this track.")
    assert Channel.objects.count() == channels_before


def test_channel_between_new_pair_is_added(seeded, admin_client):
    russia = StateFactory(name="Russia", short_name="Russia", slug="russia")

    response = submit(
        admin_client,
        add_url("channel"),
        **_channel_form(actor("united-states"), russia, "us-russia-military"),
    )

    assert response.status_code == 302
    added = Channel.objects.get(slug="us-russia-military")
    assert (added.party_a, added.party_b) == (actor("united-states"), russia)
    assert added.track == "military"


def test_a_tabular_rows_controls_are_named_after_their_columns(seeded, admin_client):
    """A tabular inline labels its columns once, in the table's head: each row's controls carry
    the column's name themselves (aria-label), the delete box included; a stacked inline keeps
    its visible labels."""
    engagement = Engagement.objects.filter(participations__isnull=False).order_by("pk")[0]
    html = admin_client.get(change_url(engagement)).content.decode()

    def control(name: str) -> str:
        found = re.search(rf'<(?:select|input|textarea)[^>]*name="{name}"[^>]*>', html)
        assert found, name
        return found.group()

    assert 'aria-label="Role"' in control("participations-0-role")
    assert 'aria-label="Delete"' in control("participations-0-DELETE")
    assert 'aria-label="Role"' in control("participations-__prefix__-role")  # "Add another"
    statement = Statement.objects.filter(interpretations__isnull=False).order_by("pk")[0]
    html = admin_client.get(change_url(statement)).content.decode()
    assert "aria-label" not in control("interpretations-0-reading")
