"""One writer: an edit in the admin's change forms and inline rows meets the same rules as a
record created through the services, with the message on the field and nothing saved; and a
record the seed loader writes has history like any editor's."""

import pytest
from reversion.models import Version

from events import services
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Characterisation,
    Citation,
    Engagement,
    OfficeHolding,
    Participation,
    StickingPoint,
)
from tests.factories import PersonFactory, StateFactory
from tests.test_admin import (
    change_url,
    proposed_defense_call,
    refused,
    rendered_form,
    report,
    shows,
    submit,
)


def field_errors(response) -> dict[str, list[str]]:
    """The main form's errors by field, as the admin rendered them."""
    return {k: list(v) for k, v in response.context_data["adminform"].form.errors.items()}


def inline_errors(response, prefix: str) -> list[dict[str, list[str]]]:
    """Each row's errors by field in the inline whose formset prefix is `prefix`."""
    for inline in response.context_data["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [dict(errors) for errors in inline.formset.errors]
    raise AssertionError(f"no inline {prefix!r} on the page")


@pytest.fixture
def outsider(seeded) -> Actor:
    return StateFactory(name="Russia", short_name="Russia", slug="russia")


def test_edit_making_the_initiator_a_non_party_is_refused_on_the_field(admin_client, outsider):
    call = proposed_defense_call()
    initiator_before = call.initiator_id

    response = submit(admin_client, change_url(call), initiator=outsider.pk)

    assert refused(response)
    assert field_errors(response) == {
        "initiator": [f"Russia is not a party to {call.channel}; choose US or China."]
    }
    call.refresh_from_db()
    assert call.initiator_id == initiator_before


def test_characterisation_row_on_the_wrong_side_is_refused_on_the_field(admin_client, outsider):
    meeting = Engagement.objects.get(title__startswith="Rubio meets")
    characterisation = meeting.characterisations.get()
    side_before = characterisation.side_id

    response = submit(
        admin_client,
        change_url(meeting),
        **{"characterisations-0-side": outsider.pk, "characterisations-0-words": "cordial"},
    )

    assert refused(response)
    assert inline_errors(response, "characterisations")[0] == {
        "side": [f"Russia is not a party to {meeting.channel}; choose US or China."]
    }
    assert shows(response, f"Russia is not a party to {meeting.channel}")
    characterisation.refresh_from_db()
    assert (characterisation.side_id, characterisation.words) == (
        side_before,
        "constructive and pragmatic",
    )


def test_new_participant_row_on_the_wrong_side_is_refused_and_nothing_is_added(
    admin_client, outsider
):
    call = proposed_defense_call()
    person = PersonFactory(name="Andrei Belousov", state=outsider)
    rows_before = Participation.objects.count()
    form_prefix = "participations"
    total = int(rendered_form(admin_client, change_url(call))[f"{form_prefix}-TOTAL_FORMS"][0])

    response = submit(
        admin_client,
        change_url(call),
        **{
            f"{form_prefix}-TOTAL_FORMS": total + 1,
            f"{form_prefix}-{total}-engagement": call.pk,
            f"{form_prefix}-{total}-actor": person.pk,
            f"{form_prefix}-{total}-side": outsider.pk,
            f"{form_prefix}-{total}-role": "observer",
            f"{form_prefix}-{total}-attendance": "confirmed",
            f"{form_prefix}-{total}-source": call.citations.first().source_id,
            f"{form_prefix}-{total}-passage": "Belousov will join the call.",
        },
    )

    assert refused(response)
    assert inline_errors(response, form_prefix)[total] == {
        "side": [f"Russia is not a party to {call.channel}; choose US or China."]
    }
    assert Participation.objects.count() == rows_before


def test_lifecycle_step_edited_to_a_date_before_the_previous_step_is_refused(seeded, admin_client):
    call = proposed_defense_call()
    step = services.engagement_transition(
        engagement=call,
        to_state="scheduled",
        date=FuzzyDate.parse("20 September 2025"),
        citations=[services.CitationInput(source=report(), passage="A date was agreed.")],
    )

    response = submit(admin_client, change_url(step), date="1 August 2025")

    assert refused(response)
    assert field_errors(response) == {
        "date": [
            "This step (1 August 2025) cannot come before the previous one "
            "(proposed, 3–16 September 2025)."
        ]
    }
    step.refresh_from_db()
    assert str(step.date) == "20 September 2025"


def test_lifecycle_step_edited_within_its_neighbours_is_saved_with_a_version(seeded, admin_client):
    call = proposed_defense_call()
    step = services.engagement_transition(
        engagement=call,
        to_state="scheduled",
        date=FuzzyDate.parse("20 September 2025"),
        citations=[services.CitationInput(source=report(), passage="A date was agreed.")],
    )
    versions_before = Version.objects.get_for_object(step).count()

    response = submit(admin_client, change_url(step), date="18 September 2025")

    assert response.status_code == 302
    step.refresh_from_db()
    assert str(step.date) == "18 September 2025"
    assert Version.objects.get_for_object(step).count() == versions_before + 1


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Actor, {"slug": "zhang-youxia"}),
        (OfficeHolding, {"person__slug": "zhang-youxia"}),
        (Engagement, {"title__startswith": "Rubio meets"}),
        (Characterisation, {"words": "constructive and pragmatic"}),
        (StickingPoint, {"kind": "counterpart_dispute"}),
        (Citation, {"passage__icontains": "Xiangshan"}),
    ],
)
def test_a_record_the_seed_loader_wrote_has_a_history_entry(seeded, model, lookup):
    record = model.objects.filter(**lookup).first()
    assert record is not None
    versions = Version.objects.get_for_object(record)
    assert versions.count() == 1
    assert versions.get().revision.get_comment() == "Loaded from the seed files"


def test_a_sticking_point_keeps_its_links_in_its_seed_version(seeded):
    point = StickingPoint.objects.get(kind="counterpart_dispute")
    stored = Version.objects.get_for_object(point).get().field_dict
    assert set(stored["counterpart_claims"]) == set(
        point.counterpart_claims.values_list("pk", flat=True)
    )
    assert stored["counterpart_claims"]
