"""Bad input, entered the way editors enter it (the admin's forms) or the way other code writes
(the services): each is refused with a message that says what is wrong, and the database holds
nothing from the failed save — no row, no citation, no version."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from reversion.models import Revision, Version

from events import services
from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.models import (
    Actor,
    Channel,
    Engagement,
    Office,
    OfficeHolding,
    Source,
    Statement,
    StickingPoint,
)
from tests.factories import StateFactory
from tests.factories import fuzzy as parse
from tests.test_admin import CITATIONS, add_url, change_url, refused, rendered_form, shows, submit

IMPOSSIBLE = "31 February 2025"


def everything() -> dict[str, int]:
    """How many rows each table of the app holds, and how many versions are kept."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_app_config("events").get_models()}
    counts["versions"] = Version.objects.count()
    counts["revisions"] = Revision.objects.count()
    return counts


@pytest.fixture
def unchanged(seeded):
    """Asserts, after the test, that the database holds exactly what it held before."""
    before = everything()
    yield
    assert everything() == before


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


def report() -> Source:
    return Source.objects.get(title__startswith="Pentagon proposes military call")


def message_for(text: str) -> str:
    with pytest.raises(FuzzyDateError) as error:
        FuzzyDate.parse(text)
    return str(error.value)


def errors_of(response, field: str) -> list[str]:
    return response.context["adminform"].form.errors.get(field, [])


# --- Dates -------------------------------------------------------------------------------------


def test_impossible_date_is_refused_on_a_status_change(unchanged, editor_client):
    response = submit(
        editor_client,
        add_url("statuschange"),
        channel=Channel.objects.get(slug="us-china-leaders").pk,
        status="limited",
        date=IMPOSSIBLE,
        trend="improving",
        confidence="low",
        explanation="Leaders' offices talk.",
        source=report().pk,
        passage="They talk.",
    )

    assert refused(response)
    assert errors_of(response, "date") == [message_for(IMPOSSIBLE)]
    assert shows(response, message_for(IMPOSSIBLE))
    assert "31 February 2025 does not exist." in message_for(IMPOSSIBLE)


def test_impossible_date_is_refused_on_an_engagement(unchanged, editor_client):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")

    response = submit(editor_client, change_url(call), when="2025-02-30")

    assert refused(response)
    assert shows(response, message_for("2025-02-30"))
    call.refresh_from_db()
    assert str(call.when) == "early September 2025"


def test_unreadable_date_is_refused_on_an_office_holding(unchanged, editor_client):
    hegseth = actor("pete-hegseth")
    form = rendered_form(editor_client, change_url(hegseth))
    row = int(form["office_holdings-TOTAL_FORMS"][0])

    response = submit(
        editor_client,
        change_url(hegseth),
        **{
            "office_holdings-TOTAL_FORMS": str(row + 1),
            f"office_holdings-{row}-office": Office.objects.get(title="Secretary of State").pk,
            f"office_holdings-{row}-person": hegseth.pk,
            f"office_holdings-{row}-start": "sometime",
            f"office_holdings-{row}-end": "",
        },
    )

    assert refused(response)
    assert shows(response, message_for("sometime"))


# --- An end before its start -------------------------------------------------------------------


def test_office_holding_ending_before_it_starts_is_refused_on_the_person(unchanged, editor_client):
    hegseth = actor("pete-hegseth")
    form = rendered_form(editor_client, change_url(hegseth))
    row = int(form["office_holdings-TOTAL_FORMS"][0])

    response = submit(
        editor_client,
        change_url(hegseth),
        **{
            "office_holdings-TOTAL_FORMS": str(row + 1),
            f"office_holdings-{row}-office": Office.objects.get(title="Secretary of State").pk,
            f"office_holdings-{row}-person": hegseth.pk,
            f"office_holdings-{row}-start": "2024",
            f"office_holdings-{row}-end": "2020",
        },
    )

    assert refused(response)
    assert shows(response, "The end (2020) is before the start (2024).")


def test_office_holding_ending_before_it_starts_is_refused_on_the_office(unchanged, editor_client):
    office = Office.objects.get(title="Secretary of State")
    form = rendered_form(editor_client, change_url(office))
    row = int(form["holdings-TOTAL_FORMS"][0])

    response = submit(
        editor_client,
        change_url(office),
        **{
            "holdings-TOTAL_FORMS": str(row + 1),
            f"holdings-{row}-office": office.pk,
            f"holdings-{row}-person": actor("pete-hegseth").pk,
            f"holdings-{row}-start": "2024",
            f"holdings-{row}-end": "2020",
        },
    )

    assert refused(response)
    assert shows(response, "The end (2020) is before the start (2024).")


def test_office_holding_with_end_after_start_is_saved(seeded, editor_client):
    office = Office.objects.get(title="Secretary of State")
    form = rendered_form(editor_client, change_url(office))
    row = int(form["holdings-TOTAL_FORMS"][0])

    response = submit(
        editor_client,
        change_url(office),
        **{
            "holdings-TOTAL_FORMS": str(row + 1),
            f"holdings-{row}-office": office.pk,
            f"holdings-{row}-person": actor("pete-hegseth").pk,
            f"holdings-{row}-start": "2020",
            f"holdings-{row}-end": "2024",
            f"holdings-{row}-source": report().pk,
            f"holdings-{row}-passage": "Hegseth served as secretary from 2020 to 2024.",
        },
    )

    assert response.status_code == 302
    holding = OfficeHolding.objects.get(office=office, person=actor("pete-hegseth"))
    assert (holding.start_earliest, holding.end_latest) == (date(2020, 1, 1), date(2024, 12, 31))


def test_sticking_point_resolved_before_it_arose_is_refused(unchanged, editor_client):
    point = StickingPoint.objects.get(title="Who is Hegseth's counterpart")

    response = submit(editor_client, change_url(point), state="resolved", resolved="2020")

    assert refused(response)
    assert errors_of(response, "resolved") == [
        "It cannot be resolved (2020) before it arose (3–16 September 2025)."
    ]
    assert shows(response, "It cannot be resolved (2020) before it arose (3–16 September 2025).")
    point.refresh_from_db()
    assert point.state == "open"


def test_sticking_point_resolved_without_a_date_is_refused(unchanged, editor_client):
    point = StickingPoint.objects.get(title="Who is Hegseth's counterpart")

    response = submit(editor_client, change_url(point), state="resolved", resolved="")

    assert refused(response)
    assert shows(response, "Give the date it was resolved (it may be fuzzy).")


# --- Sources -----------------------------------------------------------------------------------


def test_status_change_without_a_source_is_refused_in_the_admin(unchanged, editor_client):
    response = submit(
        editor_client,
        add_url("statuschange"),
        channel=Channel.objects.get(slug="us-china-leaders").pk,
        status="limited",
        date="early Sept 2025",
        trend="improving",
        confidence="low",
        explanation="Leaders' offices talk.",
        source="",
        passage="They talk.",
    )

    assert refused(response)
    assert errors_of(response, "source") == ["This field is required."]


def test_status_change_without_a_source_is_refused_by_the_service(unchanged, editor):
    with pytest.raises(ValidationError) as error:
        services.status_change_record(
            channel=Channel.objects.get(slug="us-china-leaders"),
            status="limited",
            date=parse("early Sept 2025"),
            explanation="Leaders' offices talk.",
            citations=[],
            user=editor,
        )

    assert error.value.message_dict == {
        "source": ["A status change needs a source: cite the passage that supports it."]
    }


def test_status_change_with_an_empty_passage_is_refused_by_the_service(unchanged):
    with pytest.raises(ValidationError) as error:
        services.status_change_record(
            channel=Channel.objects.get(slug="us-china-leaders"),
            status="limited",
            date=parse("early Sept 2025"),
            explanation="Leaders' offices talk.",
            citations=[services.CitationInput(source=report(), passage="   ")],
        )

    assert error.value.message_dict == {
        "passage": ["Give the passage of the source that supports this."]
    }


def _transition_form(engagement: Engagement, to_state: str, source: Source | None) -> dict:
    return {
        "engagement": engagement.pk,
        "to_state": to_state,
        "date": "17 September 2025",
        "note": "",
        "source": source.pk if source else "",
        "passage": "The call has been scheduled.",
    }


def test_transition_without_a_source_is_refused_in_the_admin(unchanged, editor_client):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")

    response = submit(
        editor_client, add_url("engagementtransition"), **_transition_form(call, "scheduled", None)
    )

    assert refused(response)
    assert errors_of(response, "source") == ["This field is required."]
    call.refresh_from_db()
    assert call.state == "proposed"


def test_transition_without_a_source_is_refused_by_the_service(unchanged):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")

    with pytest.raises(ValidationError) as error:
        services.engagement_transition(
            engagement=call, to_state="scheduled", date=parse("17 September 2025"), citations=[]
        )

    assert error.value.message_dict == {
        "source": ["A lifecycle step needs a source: cite the passage that supports it."]
    }
    call.refresh_from_db()
    assert call.state == "proposed"


# --- Lifecycle steps the lifecycle does not allow ----------------------------------------------


def test_step_from_a_final_state_is_refused_in_the_admin(unchanged, editor_client):
    meeting = Engagement.objects.get(title="Rubio meets China's Foreign Minister in Malaysia")
    assert meeting.state == "held"

    response = submit(
        editor_client,
        add_url("engagementtransition"),
        **_transition_form(meeting, "scheduled", report()),
    )

    assert refused(response)
    assert errors_of(response, "to_state") == [
        "An engagement cannot go from Held to Scheduled. Allowed next: none (final)."
    ]
    assert shows(response, "An engagement cannot go from Held to Scheduled.")


def test_step_the_lifecycle_does_not_allow_is_refused_by_the_service(unchanged):
    forum = Engagement.objects.get(title__startswith="Beijing Xiangshan Forum")
    assert forum.state == "scheduled"

    with pytest.raises(ValidationError) as error:
        services.engagement_transition(
            engagement=forum,
            to_state="declined",
            date=parse("17 September 2025"),
            citations=[services.CitationInput(source=report(), passage="Declined.")],
        )

    assert error.value.message_dict == {
        "to_state": [
            "An engagement cannot go from Scheduled to Declined. "
            "Allowed next: Cancelled, Held, Postponed."
        ]
    }
    forum.refresh_from_db()
    assert forum.state == "scheduled"


def test_unknown_state_is_refused_by_the_service(unchanged):
    forum = Engagement.objects.get(title__startswith="Beijing Xiangshan Forum")

    with pytest.raises(ValidationError) as error:
        services.engagement_transition(
            engagement=forum,
            to_state="teleported",
            date=parse("17 September 2025"),
            citations=[services.CitationInput(source=report(), passage="Gone.")],
        )

    assert error.value.message_dict == {"to_state": ["“teleported” is not a lifecycle state."]}


# --- Participants -----------------------------------------------------------------------------


def test_participant_for_a_state_outside_the_channel_is_refused(seeded, editor_client):
    russia = StateFactory(name="Russia", short_name="Russia", slug="russia")
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    before = everything()
    form = rendered_form(editor_client, change_url(call))
    row = int(form["participations-TOTAL_FORMS"][0])

    response = submit(
        editor_client,
        change_url(call),
        **{
            "participations-TOTAL_FORMS": str(row + 1),
            f"participations-{row}-engagement": call.pk,
            f"participations-{row}-actor": actor("alvaro-smith").pk,
            f"participations-{row}-side": russia.pk,
            f"participations-{row}-role": "delegation",
            f"participations-{row}-attendance": "tentative",
        },
    )

    assert refused(response)
    assert shows(response, f"Russia is not a party to {call.channel}; choose US or China.")
    assert "is not a party to" in response.content.decode()
    assert everything() == before


# --- Quotes -----------------------------------------------------------------------------------


def _quoted_statement_form(text: str, passage: str, **extra) -> dict:
    return {
        "speaker": actor("pete-hegseth").pk,
        "text": text,
        "is_verbatim": "on",
        "said": "mid Sept 2025",
        "stance": "conciliatory",
        "toward": actor("china").pk,
        f"{CITATIONS}-TOTAL_FORMS": "1",
        f"{CITATIONS}-0-source": str(report().pk),
        f"{CITATIONS}-0-locator": "para. 8",
        f"{CITATIONS}-0-passage": passage,
        f"{CITATIONS}-0-passage_is_verbatim": "on",
        **extra,
    }


QUOTE = "We will talk without preconditions."
OTHER_PASSAGE = "Hegseth said the Pentagon was ready for a call."
QUOTE_MESSAGE = "The quote does not occur in any cited passage."


def test_quote_missing_from_its_passage_is_refused(unchanged, editor_client):
    response = submit(
        editor_client, add_url("statement"), **_quoted_statement_form(QUOTE, OTHER_PASSAGE)
    )

    assert refused(response)
    assert shows(response, QUOTE_MESSAGE)
    assert shows(response, "tick “Keep the quote as entered” above to save it anyway.")


def test_quote_missing_from_its_passage_is_kept_when_the_editor_says_so(seeded, editor_client):
    response = submit(
        editor_client,
        add_url("statement"),
        **_quoted_statement_form(QUOTE, OTHER_PASSAGE, keep_unmatched_quote="on"),
    )

    assert response.status_code == 302
    statement = Statement.objects.get(text=QUOTE)
    assert statement.citations.get().passage == OTHER_PASSAGE


def test_quote_found_in_its_passage_despite_case_and_curly_quotes_is_saved(seeded, editor_client):
    response = submit(
        editor_client,
        add_url("statement"),
        **_quoted_statement_form(
            "we’re ready to TALK", "Hegseth said: “We're ready to talk,” according to aides."
        ),
    )

    assert response.status_code == 302
    assert Statement.objects.filter(text="we’re ready to TALK").exists()


def test_paraphrase_is_not_checked_against_its_passage(seeded, editor_client):
    form = _quoted_statement_form(QUOTE, OTHER_PASSAGE)
    form["is_verbatim"] = ""

    response = submit(editor_client, add_url("statement"), **form)

    assert response.status_code == 302


# --- Duplicate actors ---------------------------------------------------------------------------


def _actor_form(name: str, **extra) -> dict:
    return {"kind": "state", "name": name, "slug": name.lower().replace(" ", "-"), **extra}


@pytest.mark.parametrize(
    ("name", "aliases", "other", "shared"),
    [
        ("pete hegseth", "", "Pete Hegseth", "pete hegseth"),  # same name, other case
        ("Washington", "", "United States", "washington"),  # another's alias as name
        ("Department of War", "Pentagon", "US Department of Defense", "pentagon"),  # alias
    ],
)
def test_likely_duplicate_actor_is_refused(unchanged, editor_client, name, aliases, other, shared):
    response = submit(editor_client, add_url("actor"), **_actor_form(name, aliases=aliases))

    assert refused(response)
    (message,) = errors_of(response, "name")
    assert message.startswith(f"Likely duplicate of “{other}” (")
    assert f"which also goes by “{shared}”" in message
    assert shows(response, message)


def test_likely_duplicate_actor_is_saved_when_the_editor_says_it_is_different(
    seeded, editor_client
):
    response = submit(
        editor_client, add_url("actor"), **_actor_form("Washington", distinct_actor="on")
    )

    assert response.status_code == 302
    assert Actor.objects.filter(name="Washington", slug="washington").exists()


def test_renaming_an_actor_to_its_own_alias_is_not_a_duplicate(seeded, editor_client):
    us = actor("united-states")

    response = submit(editor_client, change_url(us), name="United States of America")

    assert response.status_code == 302
    us.refresh_from_db()
    assert us.name == "United States of America"
