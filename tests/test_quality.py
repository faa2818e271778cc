"""The data-quality page (/quality/): on the seed it flags the summit's impossible date, the
leaders channel nobody has reviewed and the proposals whose date has passed; a fact without a
source is listed; and the page costs the same number of queries however much there is to list."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.models import (
    Channel,
    Characterisation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    OfficeHolding,
    Participation,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.quality import FACT_MODELS, row_ordering
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    ParticipationFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)
from tests.test_admin import rendered_form

QUALITY = reverse("events:data_quality")

UNSOURCED = "Facts without a source"
FORECAST = "Expected dates before the report that forecast them"
NOT_REVIEWED = "Channels not reviewed"
OVERDUE = "Engagements past their expected date"
FORUM = "Beijing Xiangshan Forum — US participation"

SUMMIT = "Anticipated Trump–Xi summit"
CALL = "Proposed call between the Pentagon and China's military leadership"


def sections(response) -> dict[str, list[tuple[str, str]]]:
    """Each check's title → its rows as (note, record shown)."""
    assert response.status_code == 200
    return {
        check.title: [(note, str(record)) for note, record in check.rows]
        for check in response.context["checks"]
    }


def section(response, title_start: str) -> list[tuple[str, str]]:
    (rows,) = [rows for title, rows in sections(response).items() if title.startswith(title_start)]
    return rows


def section_html(response, title_start: str) -> str:
    """The HTML of one check's section on the page."""
    page = response.content.decode()
    start = page.index(escape(title_start))
    end = page.find("</section>", start)
    return page[start:end]


def test_seed_summit_is_flagged_for_a_date_before_the_report(seeded, editor_client):
    response = editor_client.get(QUALITY)

    rows = section(response, FORECAST)
    assert [record for _, record in rows] == [SUMMIT]
    (note,) = [note for note, _ in rows]
    assert note.startswith("expected late 2024 – early 2025, first reported")
    html = section_html(response, FORECAST)
    summit = Engagement.objects.get(title=SUMMIT)
    assert reverse("admin:events_engagement_change", args=[summit.pk]) in html
    assert escape(SUMMIT) in html


def test_seed_leaders_channel_is_flagged_as_never_reviewed(seeded, editor_client):
    response = editor_client.get(QUALITY)

    rows = section(response, NOT_REVIEWED)
    leaders = Channel.objects.with_parties().get(slug="us-china-leaders")
    assert rows == [("never reviewed", str(leaders))]
    html = section_html(response, NOT_REVIEWED)
    assert reverse("admin:events_channel_change", args=[leaders.pk]) in html


def test_seed_engagements_past_their_date_are_flagged(seeded, editor_client):
    response = editor_client.get(QUALITY)

    rows = section(response, OVERDUE)
    # The proposals and the scheduled forum alike: none has an outcome recorded.
    assert sorted(record for _, record in rows) == sorted([SUMMIT, CALL, FORUM])
    assert (
        "proposed, expected early September 2025, overdue since 10 September 2025",
        CALL,
    ) in rows
    assert (
        "scheduled, expected 17–19 September 2025, overdue since 19 September 2025",
        FORUM,
    ) in rows
    html = section_html(response, OVERDUE)
    assert escape(CALL) in html
    assert escape(SUMMIT) in html


def test_seed_has_every_fact_sourced(seeded, editor_client):
    response = editor_client.get(QUALITY)

    assert section(response, UNSOURCED) == []
    assert "Nothing to fix." in section_html(response, UNSOURCED)


def test_fact_without_a_citation_is_listed_with_a_link_to_fix_it(seeded, editor_client):
    statement = StatementFactory(text="Unsourced words.")

    response = editor_client.get(QUALITY)

    assert ("Statement", str(statement)) in section(response, UNSOURCED)
    html = section_html(response, UNSOURCED)
    assert reverse("admin:events_statement_change", args=[statement.pk]) in html

    cite(statement)
    response = editor_client.get(QUALITY)
    assert section(response, UNSOURCED) == []


def test_unsourced_rows_of_other_records_link_to_the_page_they_are_edited_on(seeded, editor_client):
    call = Engagement.objects.get(title=CALL)
    participation = ParticipationFactory(engagement=call, side=call.channel.party_a)
    statement = Statement.objects.get(text__startswith="The threat China poses")
    interpretation = Interpretation.objects.create(
        statement=statement, side=call.channel.party_a, emphasis="highlights", reading="Fine."
    )
    holding = OfficeHolding.objects.create(person=PersonFactory(), office=OfficeFactory())

    response = editor_client.get(QUALITY)

    rows = {row.record: row.url for row in response.context["checks"][0].rows}
    position = list(
        call.participations.order_by(*row_ordering(Participation)).values_list("pk", flat=True)
    ).index(participation.pk)
    readings = statement.interpretations.order_by(*row_ordering(Interpretation))
    reading = list(readings.values_list("pk", flat=True)).index(interpretation.pk)
    assert rows == {
        participation: reverse("admin:events_engagement_change", args=[call.pk])
        + f"#participations-{position}",
        interpretation: reverse("admin:events_statement_change", args=[statement.pk])
        + f"#interpretations-{reading}",
        holding: reverse("admin:events_actor_change", args=[holding.person_id])
        + "#office_holdings-0",
    }
    html = section_html(response, UNSOURCED)
    for url in rows.values():
        assert f'href="{url}"' in html
        page, row_id = url.split("#")
        opened = editor_client.get(page)
        assert opened.status_code == 200
        # The link opens the row itself, which takes the missing source there.
        content = opened.content.decode()
        assert f'id="{row_id}"' in content
        assert f'name="{row_id}-source"' in content
        assert f'name="{row_id}-passage"' in content


def test_following_the_link_and_giving_a_source_clears_the_entry(seeded, editor_client):
    call = Engagement.objects.get(title=CALL)
    participation = ParticipationFactory(engagement=call, side=call.channel.party_a)
    (row,) = list(editor_client.get(QUALITY).context["checks"][0].rows)
    page, row_id = row.url.split("#")
    form = rendered_form(editor_client, page)
    # The row's source is preselected as the engagement's own.
    assert form[f"{row_id}-source"] == [str(call.citations.order_by("pk").first().source_id)]
    assert form[f"{row_id}-passage"] == [""]

    response = editor_client.post(
        page, {**form, f"{row_id}-passage": ["Pentagon officials would take part."]}
    )

    assert response.status_code == 302
    assert participation.citations.get().passage == "Pentagon officials would take part."
    assert section(editor_client.get(QUALITY), UNSOURCED) == []


def test_record_without_a_source_links_to_its_own_form_at_its_sources(seeded, editor_client):
    statement = StatementFactory(text="Unsourced words.")

    (row,) = editor_client.get(QUALITY).context["checks"][0].rows

    page, anchor = row.url.split("#")
    assert page == reverse("admin:events_statement_change", args=[statement.pk])
    content = editor_client.get(page).content.decode()
    assert f'id="{anchor}"' in content
    assert 'name="events-citation-content_type-object_id-0-source"' in content


def test_channel_reviewed_long_ago_is_listed_and_the_period_can_be_changed(seeded, editor_client):
    military = Channel.objects.with_parties().get(slug="us-china-military")
    StatusChange.objects.filter(channel=military).update(
        recorded_at=timezone.now() - timedelta(days=45)
    )

    stale = [record for _, record in section(editor_client.get(QUALITY), NOT_REVIEWED)]
    longer = [
        record for _, record in section(editor_client.get(QUALITY, {"days": 60}), NOT_REVIEWED)
    ]

    assert str(military) in stale
    assert str(military) not in longer
    notes = {record: note for note, record in section(editor_client.get(QUALITY), NOT_REVIEWED)}
    assert notes[str(military)].startswith("last reviewed ")


def test_unreadable_period_shows_an_error_and_uses_the_default(seeded, editor_client):
    response = editor_client.get(QUALITY, {"days": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert any(title.endswith("for 30 days") for title in sections(response))


# --- Query count ---------------------------------------------------------------------------------


def add_problems(n: int) -> None:
    """n more records for every check: facts of each kind without a source, proposals whose date
    has passed (dated before their report), and channels never reviewed."""
    for _ in range(n):
        channel = ChannelFactory()
        engagement = EngagementFactory(
            channel=channel,
            initiator=channel.party_a,
            when_earliest=date(2025, 8, 1),
            when_latest=date(2025, 8, 10),
        )
        cite(engagement, SourceFactory())  # published 5 Sept 2025, after it was expected
        TransitionFactory(engagement=engagement)
        ParticipationFactory(engagement=engagement)
        Characterisation.objects.create(engagement=engagement, side=channel.party_a, words="Good")
        statement = StatementFactory()
        Interpretation.objects.create(
            statement=statement, side=channel.party_b, emphasis="highlights", reading="Fine."
        )
        StatusChangeFactory(channel=ChannelFactory())
        StickingPointFactory(channel=channel)
        CounterpartClaim.objects.create(
            channel=channel,
            office=OfficeFactory(),
            claimant=channel.party_a,
            counterpart_office=OfficeFactory(),
            counterpart_person=PersonFactory(),
        )
        OfficeHolding.objects.create(person=PersonFactory(), office=OfficeFactory())


def quality_page_queries(client) -> tuple[int, dict[str, int]]:
    client.get(QUALITY)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUALITY)
    return len(queries), {title: len(rows) for title, rows in sections(response).items()}


def test_every_kind_of_fact_is_checked_for_a_source():
    assert set(FACT_MODELS) == {
        StatusChange,
        Engagement,
        EngagementTransition,
        Participation,
        Characterisation,
        Statement,
        Interpretation,
        CounterpartClaim,
        StickingPoint,
        OfficeHolding,
    }


def test_quality_page_runs_the_same_number_of_queries_for_small_and_larger_data(
    seeded, editor_client
):
    add_problems(2)
    small, small_rows = quality_page_queries(editor_client)

    add_problems(10)
    larger, larger_rows = quality_page_queries(editor_client)

    for title, rows in larger_rows.items():
        assert rows > small_rows[title], title  # every check lists more
    assert larger == small
