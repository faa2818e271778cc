"""Full-text search (events.search): the same hits on PostgreSQL and SQLite, an index kept in step
with the records, and highlighting that cannot inject HTML.

Every expectation here holds on both databases; only the EXPLAIN test is PostgreSQL's own."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import search
from events.models import Actor, Engagement, SearchEntry, Source, Statement
from events.search import apply_search, highlight, search_ids
from tests.factories import (
    EngagementFactory,
    ParticipationFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)


@pytest.fixture(autouse=True)
def search_signals():
    """Connect the index receivers for these tests (a no-op once EventsConfig.ready() does it);
    disconnect them afterwards if this fixture was the one connecting them."""
    connected_before = search.signals_connected()
    search.connect_signals()
    yield
    if not connected_before:
        search.disconnect_signals()


def statement(text_start: str) -> Statement:
    return Statement.objects.get(text__startswith=text_start)


# --- The seed ------------------------------------------------------------------------------------


def test_loading_the_seed_leaves_a_complete_index(seeded):
    expected = {
        (ContentType.objects.get_for_model(model).pk, pk)
        for model in (Statement, Engagement, Source, Actor)
        for pk in model.objects.values_list("pk", flat=True)
    }
    assert SearchEntry.objects.count() == len(expected)
    assert set(SearchEntry.objects.values_list("content_type_id", "object_id")) == expected


def test_reindex_all_rebuilds_the_same_index(seeded):
    before = set(SearchEntry.objects.values_list("content_type_id", "object_id", "title", "body"))
    SearchEntry.objects.all().delete()
    assert search_ids("subjugate", Statement) == []

    assert search.reindex_all() == len(before)

    after = set(SearchEntry.objects.values_list("content_type_id", "object_id", "title", "body"))
    assert after == before
    assert search_ids("subjugate", Statement) == [statement("We will not instigate").pk]


def test_a_word_of_one_quote_finds_that_statement_only(seeded):
    assert search_ids("subjugate", Statement) == [statement("We will not instigate").pk]


@pytest.mark.parametrize("q", ["imminent threat", "threat imminent", "Threat, imminent!"])
def test_every_word_must_occur_in_any_order(seeded, q):
    assert search_ids(q, Statement) == [statement("The threat China poses").pk]


def test_a_speaker_name_finds_his_statements_and_the_engagements_he_takes_part_in(seeded):
    both = {statement("We will not instigate").pk, statement("The threat China poses").pk}
    assert set(search_ids("Hegseth", Statement)) == both
    # Engagement bodies hold participants' names: Hegseth is the US principal of the call.
    assert search_ids("Hegseth", Engagement) == [
        Engagement.objects.get(title__startswith="Proposed call").pk
    ]


def test_an_engagement_title_word_finds_the_engagement(seeded):
    forum = Engagement.objects.get(title__contains="Xiangshan")
    assert search_ids("Xiangshan", Engagement) == [forum.pk]
    # Across models, the report's notes mention the forum too.
    hits = {(hit.model_name, hit.pk) for hit in search.search("Xiangshan")}
    report = Source.objects.get(relays__contains="Nikkei")
    assert hits == {("engagement", forum.pk), ("source", report.pk)}


def test_a_source_is_found_by_whom_it_relays(seeded):
    assert search_ids("Nikkei", Source) == [Source.objects.get(relays__contains="Nikkei").pk]


def test_a_location_added_by_a_later_file_is_indexed(seeded):
    rubio = Engagement.objects.get(title__startswith="Rubio meets")
    assert search_ids("Kuala Lumpur", Engagement) == [rubio.pk]
    assert search_ids("lumpur KUALA", Engagement) == [rubio.pk]


def test_a_word_not_in_any_record_finds_nothing(seeded):
    assert search_ids("zeppelin", Statement) == []
    assert search_ids("Hegseth zeppelin", Statement) == []
    assert search.search("zeppelin") == []


@pytest.mark.parametrize("q", ["XIANGSHAN", "xiangshan", "XiangShan"])
def test_case_does_not_matter(seeded, q):
    assert search_ids(q, Engagement) == [Engagement.objects.get(title__contains="Xiangshan").pk]


@pytest.mark.parametrize("q", ["Xiang", "Xiang*", "iangshan", "Hegs", "subjug"])
def test_part_of_a_word_does_not_match(seeded, q):
    assert search.search(q) == []


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "*",
        "-",
        "NEAR(",
        "(",
        ")",
        ":",
        "^",
        "&",
        "|",
        "!",
        "<->",
        "\\",
        "%",
        "_",
        "\x00",
        "''",
        '""',
        "' OR 1=1 --",
        '"unbalanced',
        "NEAR(Hegseth Rubio, 2)",
        "body:Hegseth",
        "-Hegseth",
        "*Hegseth*",
        "Hegseth'",
        "Hegseth*",
        "Hegseth OR Rubio",
        "NOT Hegseth",
        "Hegseth AND",
        "{Hegseth}",
        "Hegseth:*",
        "Hegseth & !Rubio",
    ],
)
def test_operators_and_punctuation_never_raise(seeded, q):
    search_ids(q, Statement)
    search.search(q)
    apply_search(Statement.objects.all(), q).count()


def test_punctuation_is_ignored_and_operators_are_plain_words(seeded):
    both = {statement("We will not instigate").pk, statement("The threat China poses").pk}
    for q in ['"Hegseth"', "-Hegseth", "*Hegseth*", "Hegseth:*", "(Hegseth)", "Hegseth'"]:
        assert set(search_ids(q, Statement)) == both, q
    # A column filter is just two words ("body" is in no record); OR and NOT are words too.
    assert search_ids("body:Hegseth", Statement) == []
    assert search_ids("Hegseth OR Rubio", Statement) == []
    assert search_ids("NOT Hegseth", Statement) == [statement("We will not instigate").pk]
    assert search_ids("OR", Statement) == [statement("We will not instigate").pk]


@pytest.mark.parametrize("q", ["", "   ", "\t\n", '"', "*", "(", "' -- ;", "²", None])
def test_a_query_without_words_means_no_search(seeded, q):
    assert search_ids(q, Statement) is None
    assert search.search(q) == []
    everything = Statement.objects.all()
    assert apply_search(everything, q) is everything


def test_apply_search_narrows_a_queryset_and_orders_by_rank(db):
    speaker = PersonFactory(name="Ana Lindqvist")
    once = StatementFactory(speaker=speaker, text="Tariffs were discussed with many other matters.")
    often = StatementFactory(speaker=speaker, text="Tariffs, tariffs and tariffs.")
    StatementFactory(speaker=speaker, text="Nothing to see.")

    assert list(apply_search(Statement.objects.all(), "tariffs")) == [often, once]
    assert set(apply_search(Statement.objects.all(), "tariffs", order_by_rank=False)) == {
        often,
        once,
    }
    assert list(apply_search(Statement.objects.all(), "quinoa")) == []
    # It combines with the view's own filters.
    assert list(apply_search(Statement.objects.exclude(pk=often.pk), "tariffs")) == [once]


def test_search_returns_hits_with_title_snippet_and_record(seeded):
    hits = search.search("subjugate")
    assert len(hits) == 1
    hit = hits[0]
    quote = statement("We will not instigate")
    assert (hit.model_name, hit.pk, hit.record) == ("statement", quote.pk, quote)
    assert hit.title == "Pete Hegseth: “We will not instigate nor seek to subjugate or humiliate”"
    assert "<mark>subjugate</mark>" in hit.snippet
    assert hit.verbose_name == "statement"


def test_search_can_be_limited_to_models(seeded):
    models = {hit.model_name for hit in search.search("Hegseth", models=[Statement, Actor])}
    assert models == {"statement", "actor"}
    assert len(search.search("Hegseth", limit=2)) == 2
    with pytest.raises(ValueError, match="is not searchable"):
        search.search("Hegseth", models=[ContentType])


# --- Keeping the index in step -------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_statement_updates_its_entry():
    quote = StatementFactory(text="The talks were cordial.")
    assert search_ids("cordial", Statement) == [quote.pk]

    quote.text = "The talks were frosty."
    quote.save()

    assert search_ids("cordial", Statement) == []
    assert search_ids("frosty", Statement) == [quote.pk]
    assert SearchEntry.objects.filter(object_id=quote.pk, body__contains="frosty").count() == 1


@pytest.mark.django_db
def test_deleting_a_record_removes_its_entry():
    quote = StatementFactory(text="An ephemeral remark.")
    pk = quote.pk
    assert search_ids("ephemeral", Statement) == [pk]

    quote.delete()

    assert search_ids("ephemeral", Statement) == []
    ct = ContentType.objects.get_for_model(Statement)
    assert not SearchEntry.objects.filter(content_type=ct, object_id=pk).exists()


@pytest.mark.django_db
def test_deleting_an_engagement_removes_its_entry_and_keeps_no_stale_one():
    engagement = EngagementFactory(title="Ephemeral meeting")
    ParticipationFactory(engagement=engagement)
    assert search_ids("ephemeral", Engagement) == [engagement.pk]

    engagement.delete()

    assert search_ids("ephemeral", Engagement) == []
    assert not SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Engagement)
    ).exists()


def test_renaming_an_actor_updates_the_hits_of_his_statements_and_engagements(seeded):
    hegseth = Actor.objects.get(slug="pete-hegseth")
    call = Engagement.objects.get(title__startswith="Proposed call")
    quotes = {statement("We will not instigate").pk, statement("The threat China poses").pk}
    assert search_ids("Pete", Statement) and search_ids("Pete", Engagement) == [call.pk]

    hegseth.name = "Peter Quillfeather"
    hegseth.short_name = "Quillfeather"
    hegseth.save()

    assert search_ids("Pete", Statement) == []
    assert search_ids("Pete", Engagement) == []
    assert set(search_ids("Quillfeather", Statement)) == quotes
    assert search_ids("Quillfeather", Engagement) == [call.pk]
    assert search_ids("Quillfeather", Actor) == [hegseth.pk]
    assert search.search("subjugate")[0].title.startswith("Peter Quillfeather: ")


@pytest.mark.django_db
def test_adding_or_removing_a_participant_reindexes_the_engagement():
    engagement = EngagementFactory(title="Working lunch")
    participation = ParticipationFactory(engagement=engagement, actor__name="Ines Oyelaran")
    assert search_ids("Oyelaran", Engagement) == [engagement.pk]

    participation.delete()

    assert search_ids("Oyelaran", Engagement) == []
    assert search_ids("lunch", Engagement) == [engagement.pk]


@pytest.mark.django_db
def test_renaming_a_channel_party_reindexes_the_channels_engagements():
    engagement = EngagementFactory(title="Border talks")
    party = engagement.channel.party_a
    party.name = "Republic of Zembla"
    party.save()
    assert search_ids("Zembla", Engagement) == [engagement.pk]


@pytest.mark.django_db
def test_a_new_source_and_actor_are_indexed():
    source = SourceFactory(outlet="Gazette", title="Ministers meet", relays="Reuters", notes="")
    actor = PersonFactory(name="Olu Bankole", aliases="Oluwaseun Bankole\nO. Bankole")
    assert search_ids("Reuters", Source) == [source.pk]
    assert search_ids("Oluwaseun", Actor) == [actor.pk]
    assert search.search("Reuters")[0].title == "Gazette: Ministers meet"


@pytest.mark.django_db
def test_connect_signals_is_idempotent():
    search.connect_signals()
    receivers = len(post_save.receivers)
    search.connect_signals()
    assert len(post_save.receivers) == receivers
    StatementFactory(text="Counted once.")
    assert SearchEntry.objects.filter(body__contains="counted").count() == 1


# --- One tokenization for both engines -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "found"),
    [
        # PostgreSQL's parser would read these as single lexemes (host, email, version, signed
        # number, hyphenated word); the body holds plain words, so both engines find the parts.
        ("example", True),
        ("example com", True),
        ("bar", True),
        ("v2", True),
        ("19", True),
        ("shangri", True),
        ("la", True),
        ("Shangri-La", True),
        # No diacritic folding, but case folding in every script.
        ("café", True),
        ("cafe", False),
        ("MÜLLER", True),
        ("muller", False),
        ("МОСКВА", True),
        ("Σίσυφος", True),
        ("ΣΊΣΥΦΟΣ", True),
        ("北京", True),
        ("北", False),
        ("strasse", True),
        # '²' is not a word character: "x²" is the word "x".
        ("x", True),
        ("x²", True),
        # Over-long words are not indexed; asking for one finds nothing.
        ("a" * 101, False),
    ],
)
def test_tokenization_is_the_same_on_both_engines(q, found):
    source = SourceFactory(
        title="Notes",
        notes="See example.com, write to foo@bar.org; v2.0 of the 17-19 plan, the Shangri-La "
        "Dialogue. Café Müller, Москва, Σίσυφος, 北京, Straße, x². " + "a" * 101,
    )
    assert search_ids(q, Source) == ([source.pk] if found else [])


# Letters that fold in interesting ways, digits, and the punctuation PostgreSQL's parser builds
# hosts, emails, versions and hyphenated words from.
ALPHABET = "abAB01²ßẞσςΣéÉe\u0301İıiI北京 .-@/_:'\"*()"


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(alphabet=ALPHABET, max_size=40),
    q=st.text(alphabet=ALPHABET, max_size=12),
)
def test_both_engines_agree_with_the_documented_semantics(text, q):
    """A record is found exactly when every query token is one of its tokens."""
    terms = search.query_terms(q)
    with transaction.atomic():
        source = SourceFactory(title="Generated", notes=text)
        found = search_ids(q, Source)
        transaction.set_rollback(True)
    if not terms:
        assert found is None
    else:
        record_text = "\n".join(search.SEARCHABLE[Source].pieces(source))
        record_tokens = set(search.tokenize(record_text))
        assert found == ([source.pk] if set(terms) <= record_tokens else [])


@pytest.mark.django_db
def test_composed_and_decomposed_accents_are_the_same_word():
    source = SourceFactory(title="Cafe\u0301 society")  # e + combining acute
    assert search_ids("café", Source) == [source.pk]  # precomposed é
    assert str(highlight("Cafe\u0301", "café")) == "<mark>Café</mark>"


# --- Highlighting --------------------------------------------------------------------------------


def test_highlight_marks_whole_words_whatever_their_case():
    text = "Xiangshan forum: the XIANGSHAN organisers, not Xiang."
    assert str(highlight(text, "xiangshan")) == (
        "<mark>Xiangshan</mark> forum: the <mark>XIANGSHAN</mark> organisers, not Xiang."
    )
    assert str(highlight("Imminent threat", "threat imminent")) == (
        "<mark>Imminent</mark> <mark>threat</mark>"
    )


def test_highlight_escapes_html_in_text_and_query():
    text = '<script>alert("x")</script> & Hegseth\'s remarks'
    result = highlight(text, "<script>alert(1)</script> Hegseth")
    assert "<script>" not in result
    assert result == (
        "&lt;<mark>script</mark>&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/<mark>script</mark>&gt;"
        " &amp; <mark>Hegseth</mark>&#x27;s remarks"
    )
    assert str(highlight("<b>bold</b>", '"><img src=x onerror=alert(1)>')) == (
        "&lt;b&gt;bold&lt;/b&gt;"
    )


def test_highlight_without_query_words_only_escapes():
    assert str(highlight("<i>a</i>", "")) == "&lt;i&gt;a&lt;/i&gt;"
    assert str(highlight("<i>a</i>", "***")) == "&lt;i&gt;a&lt;/i&gt;"
    assert str(highlight(None, "a")) == ""
    assert hasattr(highlight("x", "x"), "__html__")  # safe for templates


def test_tokenize_splits_on_everything_but_letters_and_digits():
    assert search.tokenize('Trump–Xi summit, 2025; People\'s "OR" NEAR(x)') == [
        "trump",
        "xi",
        "summit",
        "2025",
        "people",
        "s",
        "or",
        "near",
        "x",
    ]
    assert search.query_terms("Hegseth hegseth HEGSETH") == ["hegseth"]


# --- PostgreSQL: the GIN index is used -----------------------------------------------------------


# What migration 0003 indexes, as Django renders SearchVector("body", config="simple").
INDEXED_EXPRESSION = (
    "to_tsvector('simple'::regconfig, COALESCE(\"events_searchentry\".\"body\", ''))"
)


@pytest.mark.django_db
def test_postgresql_search_uses_the_gin_index():
    if connection.vendor != "postgresql":
        pytest.skip("The GIN index exists on PostgreSQL only.")
    # Entries of every searchable kind, as in a real index: the content type alone narrows little.
    content_types = [ContentType.objects.get_for_model(model) for model in search.SEARCHABLE]
    SearchEntry.objects.bulk_create(
        SearchEntry(
            content_type=content_types[0] if n % 500 == 0 else content_types[n % 4],
            object_id=n,
            title=f"Entry {n}",
            body=f"filler word{n % 97} text{n} " + ("needle" if n % 500 == 0 else "hay"),
        )
        for n in range(1, 4001)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_searchentry")
        cursor.execute("SET LOCAL enable_seqscan = off")

    def plan_of(run) -> str:
        with CaptureQueriesContext(connection) as context:
            run()
        (query,) = [q["sql"] for q in context.captured_queries if "to_tsvector" in q["sql"]]
        assert INDEXED_EXPRESSION in query
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query)
            return "\n".join(row[0] for row in cursor.fetchall())

    for run in (lambda: search.search("needle"), lambda: search_ids("needle", Statement)):
        plan = plan_of(run)
        assert search.PG_INDEX in plan, plan
    assert len(search_ids("needle", Statement)) == 8


@pytest.mark.django_db
def test_a_list_search_reads_a_few_matches_first_and_walks_the_list_for_many(monkeypatch):
    """PostgreSQL can misjudge how many records a word matches and walk a whole large list
    probing each record (seconds for a word that matches nothing): a search with few matches is
    fenced so that its matches are read first through the index; one with many is left to walk
    the list. Either way the list finds the same records."""
    if connection.vendor != "postgresql":
        pytest.skip("The planner's road is PostgreSQL's.")
    common = [StatementFactory(text=f"Common words number {n}.") for n in range(5)]
    rare = StatementFactory(text="Common words and a rare one.")
    monkeypatch.setattr(search, "SPARSE_MATCHES", 3)

    def listed(q: str) -> tuple[set[int], str]:
        rows = Statement.objects.filter(pk__in=search.matching(q, Statement))
        return set(rows.values_list("pk", flat=True)), str(rows.query)

    found, sql = listed("rare")
    assert found == {rare.pk}
    assert "OFFSET 0" in sql
    found, sql = listed("common words")
    assert found == {s.pk for s in [*common, rare]}
    assert "OFFSET 0" not in sql
