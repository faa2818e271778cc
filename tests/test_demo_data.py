"""`generate_demo_data`: a made-up world that keeps every rule of the real one, at any size, the
same for the same seed — built here at a tiny fraction of `large`."""

import hashlib
import io
import itertools
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import Count

from events import search
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    SearchEntry,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.offline.demo import LARGE, SCALES, fast_document, sizes_for
from events.offline.progress import Progress
from events.quality import FACT_MODELS
from events.vocabularies import ALLOWED_TRANSITIONS, OPEN_ENGAGEMENT_STATES, Region
from tests.factories import ChannelFactory, SourceFactory

TINY = 0.002  # 4 states, 4 channels, 200 engagements, 600 statements, 200 sources


def build(factor=TINY, seed=1, **options):
    call_command("generate_demo_data", factor=factor, seed=seed, verbosity=0, **options)


def digest() -> str:
    """A fingerprint of the generated rows (ids included)."""
    tables = [
        (Actor, ("kind", "name", "slug", "state_id", "parent_id", "region", "description")),
        (OfficeHolding, ("person_id", "office_id", "start_earliest", "end_latest")),
        (Channel, ("party_a_id", "party_b_id", "track", "slug", "summary")),
        (
            StatusChange,
            (
                "channel_id",
                "status",
                "trend",
                "date_earliest",
                "date_latest",
                "explanation",
                "recorded_at",
            ),
        ),
        (
            Engagement,
            (
                "channel_id",
                "kind",
                "title",
                "state",
                "when_earliest",
                "when_latest",
                "when_precision",
                "location",
                "initiator_id",
            ),
        ),
        (EngagementTransition, ("engagement_id", "to_state", "date_earliest", "date_latest")),
        (Participation, ("engagement_id", "actor_id", "side_id", "role", "attendance")),
        (Statement, ("speaker_id", "text", "said_earliest", "stance", "venue", "recorded_at")),
        (Source, ("kind", "outlet", "title", "url", "published_earliest", "created_at")),
        (Citation, ("source_id", "content_type_id", "object_id", "passage", "locator")),
        (SearchEntry, ("content_type_id", "object_id", "title", "body")),
    ]
    hasher = hashlib.sha256()
    for model, fields in tables:
        for row in model.objects.order_by("pk").values_list("pk", *fields):
            hasher.update(repr(row).encode())
    return hasher.hexdigest()


# --- Sizes ---------------------------------------------------------------------------------------


def test_sizes_small_is_a_tenth_of_large():
    assert sizes_for(1.0) == LARGE
    small = sizes_for(0.1)
    assert (small.states, small.channels, small.actors) == (20, 100, 2_000)
    assert (small.engagements, small.statements, small.sources, small.citations) == (
        10_000,
        30_000,
        10_000,
        50_000,
    )
    assert LARGE.channels >= 1_000 and LARGE.citations >= 500_000


@pytest.mark.django_db
def test_counts_follow_the_scale():
    build(factor=0.004)
    sizes = sizes_for(0.004)
    assert Actor.objects.filter(kind="state").count() == sizes.states == 4
    assert Channel.objects.count() == sizes.channels
    assert Actor.objects.count() == sizes.actors
    assert Engagement.objects.count() == sizes.engagements == 400
    assert Statement.objects.count() == sizes.statements == 3 * sizes.engagements
    assert Source.objects.count() == sizes.sources == sizes.engagements
    # Every fact cites at least one passage, so citations outnumber the facts.
    assert Citation.objects.count() >= 5 * sizes.engagements
    assert Citation.objects.count() >= sizes.citations


# --- Rules ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_generated_world_keeps_every_rule():
    build()
    connection.check_constraints()  # deferred foreign keys and the like, before the rollback

    # Rows pass their model's own validation (fields, vocabularies, clean()); a sample of each,
    # foreign keys left to the database (checked above).
    for model, related in (
        (Actor, ()),
        (Office, ("institution",)),
        (OfficeHolding, ()),
        (Channel, ()),
        (StatusChange, ()),
        (Engagement, ("channel",)),
        (EngagementTransition, ()),
        (Participation, ("engagement__channel", "side")),
        (Characterisation, ()),
        (Statement, ()),
        (Interpretation, ()),
        (CounterpartClaim, ()),
        (StickingPoint, ()),
        (Source, ()),
        (Citation, ()),
    ):
        rows = model.objects.select_related(*related) if related else model.objects.all()
        keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
        sample = list(rows.order_by("?")[:150])
        assert sample, model
        for row in sample:
            row.full_clean(exclude=keys, validate_unique=False, validate_constraints=False)

    # Fuzzy dates read back as the values they claim to be.
    for change in StatusChange.objects.all():
        assert isinstance(change.date, FuzzyDate)
    for statement in Statement.objects.all():
        assert statement.said is None or statement.said.earliest <= date(2026, 11, 30)

    # States have a region; others none.
    assert set(Actor.objects.filter(kind="state").values_list("region", flat=True)) <= set(
        Region.values
    )
    assert not Actor.objects.exclude(kind="state").exclude(region="").exists()

    # Every fact cites a source passage.
    for model in FACT_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        cited = Citation.objects.filter(content_type=content_type).values("object_id")
        assert not model.objects.exclude(pk__in=cited).exists(), model
    for content_type_id, ids in _citations_by_type().items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        assert model.objects.filter(pk__in=ids).count() == len(ids), model

    # Lifecycles: a chain of allowed steps in date order, ending in the engagement's state.
    steps_by_engagement = {}
    for step in EngagementTransition.objects.order_by("engagement", "date_earliest", "id"):
        steps_by_engagement.setdefault(step.engagement_id, []).append(step)
    engagements = Engagement.objects.prefetch_related("citations__source")
    assert len(steps_by_engagement) == engagements.count()
    for engagement in engagements:
        steps = steps_by_engagement[engagement.pk]
        assert [s.pk for s in steps] == sorted(s.pk for s in steps)
        before = ""
        for previous, step in zip([None, *steps], steps, strict=False):
            assert step.from_state == before
            assert step.to_state in ALLOWED_TRANSITIONS[before]
            if previous is not None:
                assert previous.date.latest < step.date.earliest
            before = step.to_state
        assert engagement.state == before
        if engagement.state in OPEN_ENGAGEMENT_STATES:
            assert engagement.date_warnings() == []
        if engagement.state == "held":
            assert engagement.when == steps[-1].date

    # Participants: a party to the channel, and a member of the state they stand for.
    for participation in Participation.objects.select_related("engagement__channel", "actor"):
        channel = participation.engagement.channel
        assert participation.side_id in (channel.party_a_id, channel.party_b_id)
        assert participation.actor.state_id == participation.side_id
    for engagement in Engagement.objects.exclude(initiator=None).select_related("channel"):
        assert engagement.initiator_id in (
            engagement.channel.party_a_id,
            engagement.channel.party_b_id,
        )

    # Status histories: one change after another, never overlapping.
    for channel in Channel.objects.all():
        changes = list(channel.status_changes.order_by("date_earliest", "id"))
        assert changes
        for earlier, later in itertools.pairwise(changes):
            assert earlier.date.latest < later.date.earliest

    # A verbatim quote is found in a passage it cites; the speaker is a person.
    for statement in Statement.objects.prefetch_related("citations").select_related("speaker"):
        assert statement.speaker.kind == "person"
        if statement.is_verbatim:
            assert any(statement.text in c.passage for c in statement.citations.all())
        assert statement.channels.exists()

    # Sticking points and counterpart claims hang together.
    assert StickingPoint.objects.exists()
    for point in StickingPoint.objects.all():
        assert (point.state == "resolved") == (point.resolved is not None)
        assert point.resolved is None or point.raised.latest < point.resolved.earliest
    for claim in CounterpartClaim.objects.select_related("channel", "office__institution"):
        parties = (claim.channel.party_a_id, claim.channel.party_b_id)
        assert claim.claimant_id in parties
        assert claim.office.institution.state_id in parties

    # Channels: two states, a slug like the seed's "us-china-military".
    for channel in Channel.objects.select_related("party_a", "party_b"):
        assert channel.slug == f"{channel.party_a.slug}-{channel.party_b.slug}-{channel.track}"
        assert channel.party_a.kind == channel.party_b.kind == "state"
    # Variety: lifecycles, date precisions, stances, kinds of source; addresses on .example.
    assert Engagement.objects.values("state").distinct().count() >= 4
    assert StatusChange.objects.values("date_precision").distinct().count() >= 3
    assert Statement.objects.values("stance").distinct().count() == 5
    assert Source.objects.values("kind").distinct().count() >= 5
    assert not Source.objects.exclude(url__contains=".example/").exists()


def _citations_by_type() -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for content_type_id, object_id in Citation.objects.values_list("content_type", "object_id"):
        found.setdefault(content_type_id, set()).add(object_id)
    return found


# --- Determinism ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_seed_builds_the_same_data_and_another_seed_does_not():
    build(seed=7)
    first = digest()
    build(seed=7, flush=True)
    assert digest() == first
    build(seed=8, flush=True)
    assert digest() != first


# --- Search index --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_entries_are_those_reindex_writes():
    build()

    def entries():
        return set(SearchEntry.objects.values_list("content_type", "object_id", "title", "body"))

    # The full-text index is back in place (PostgreSQL) and kept in step again (SQLite).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [search.PG_INDEX])
        else:
            cursor.execute(
                "SELECT count(*) = 3 FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'events_searchentry'"
            )
        assert cursor.fetchone()[0]
    written = entries()
    searchable = sum(model.objects.count() for model in search.SEARCHABLE)
    assert len(written) == searchable
    search.reindex_all()
    assert entries() == written
    statement = Statement.objects.select_related("speaker").first()
    found = search.search_ids(f"{statement.speaker.name} {statement.text}", Statement)
    assert statement.pk in found


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, and numbers 2021 and v2.0!",
        "“We will not be intimidated,” said A. Veranti — on 17–19 September…",
        "Café Zürich İstanbul ½ ①",
        "x" * 120 + " short",
    ],
)
def test_fast_document_tokenises_as_search_does(text):
    assert fast_document(text) == search.document(text)


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_render_with_generated_data(client):
    build()
    # The least busy channel: the page shows a channel's whole history.
    channel = Channel.objects.annotate(n=Count("engagements")).order_by("n", "pk").first()
    person = Actor.objects.filter(kind="person").annotate(n=Count("statements")).order_by("-n")[0]
    pages = [
        "/",
        "/?as_of=2022-06-30",
        f"/channels/{channel.slug}/",
        "/statements/",
        f"/statements/?channel={channel.slug}&stance=hostile",
        "/timeline/",
        f"/actors/{person.slug}/",
        "/api/channels/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    board = client.get("/").content.decode()
    assert channel.party_a.name in board or channel.party_a.short_name in board
    detail = client.get(f"/channels/{channel.slug}/").content.decode()
    assert channel.engagements.order_by("-when_latest").first().title in detail


# --- Refusal, append, flush ----------------------------------------------------------------------


@pytest.fixture
def curated(db):
    """A database an editor has started: one channel between two states, and a source."""
    SourceFactory()
    return ChannelFactory(slug="us-china-military")


def test_refuses_a_database_that_holds_records(curated):
    with pytest.raises(CommandError, match=r"already holds records.*--append.*--flush"):
        build()
    assert (Actor.objects.count(), Channel.objects.count(), Source.objects.count()) == (2, 1, 1)


def test_append_keeps_the_records_and_flush_deletes_them(curated):
    build(append=True)
    assert Channel.objects.filter(slug="us-china-military").exists()
    assert Channel.objects.count() == 1 + sizes_for(TINY).channels
    build(flush=True)
    assert not Channel.objects.filter(slug="us-china-military").exists()
    assert Channel.objects.count() == sizes_for(TINY).channels
    assert not Actor.objects.filter(slug=curated.party_a.slug).exists()
    assert not Source.objects.filter(outlet__startswith="Outlet ").exists()


@pytest.mark.django_db
def test_append_twice_keeps_slugs_and_titles_unique():
    build(seed=3)
    build(seed=3, append=True)
    assert Channel.objects.count() == 2 * sizes_for(TINY).channels
    assert Source.objects.values("outlet", "title").distinct().count() == Source.objects.count()


# --- Output --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quiet_at_verbosity_zero_and_a_summary_otherwise(capsys):
    build()
    assert capsys.readouterr() == ("", "")
    call_command("generate_demo_data", factor=TINY, flush=True, verbosity=1)
    out, err = capsys.readouterr()
    assert "Engagements" in out and f"{sizes_for(TINY).engagements:,}" in out
    assert "Done in" in out
    assert "statements" in err  # the phases' progress lines


def test_progress_reports_rate_and_time_left():
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    with progress.phase("statements", total=1_000) as bar:
        bar.advance(500)
        assert "500/1,000" in bar._line(bar.started + 1.0)
        assert "rows/s" in bar._line(bar.started + 1.0)
        assert "0:01 left" in bar._line(bar.started + 1.0)
        bar.advance(500)
    assert "1,000 rows in" in stream.getvalue()
    # A command's self.stderr (which ends every write with a newline) redraws in place too.
    wrapped = io.StringIO()
    with Progress(OutputWrapper(wrapped), tty=True).phase("statements", total=2) as bar:
        bar.advance(2)
    assert wrapped.getvalue().startswith("\rstatements") and wrapped.getvalue().count("\n") == 1
    silent = io.StringIO()
    with Progress(silent, enabled=False).phase("statements", total=10) as bar:
        bar.advance(10)
    assert silent.getvalue() == ""


def test_scale_or_factor_is_required():
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_demo_data", verbosity=0)
    assert SCALES == {"large": 1.0, "small": 0.1}
