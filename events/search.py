"""Full-text search over statements, engagements, sources and actors, on each database's own
engine, with one behaviour.

Every searchable record has one `SearchEntry` row: a `title` (how a hit is named) and a `body`,
the record's searchable text reduced to its word tokens (see `tokenize`), lower-cased and
separated by single spaces. `SEARCHABLE` says which records are indexed and which text goes into
their body. Signal receivers (`connect_signals`) keep the entries in step with the records;
`reindex_all()` rebuilds them in bulk.

Query semantics, the same on PostgreSQL and SQLite:

- The query is split into word tokens: runs of Unicode letters and decimal digits, case-folded.
  Everything else (punctuation, quotes, `*`, `-`, `NEAR(`…) separates words and is otherwise
  ignored; words such as `OR`, `AND`, `NOT`, `NEAR` are plain words to look for.
- Every token must occur as a whole word in the record's body (AND, any order). No stemming, no
  prefix matching, no diacritic folding ("cafe" does not find "café").
- A query holds at most MAX_QUERY_TERMS distinct words: the search forms refuse a longer one
  with a message saying so (`check_terms`); the functions here read only its first
  MAX_QUERY_TERMS words. (Each word is a phrase query ANDed to the others; hundreds of them
  cost the database much and find nothing a few would not.)
- A query with no word tokens (empty, blank, only punctuation) is *no search*: `search_ids`
  returns None (do not filter), `apply_search` returns the queryset unchanged and `search`
  returns no hits.

Why the body holds tokens rather than the raw text: PostgreSQL's parser reads `example.com`,
`v2.0`, `17-19` or `foo@bar.org` as single lexemes and SQLite's unicode61 tokenizer does not, so
the raw text would give different hits on the two engines. Reduced to our own tokens, both
engines see the same words. Known limit: letters of scripts added in recent Unicode versions
(e.g. Kawi, Nag Mundari) may be unknown to one engine's character tables.

Engines:

- PostgreSQL: `to_tsvector('simple', COALESCE(body, ''))` matched with one `phraseto_tsquery`
  per token, ANDed, ranked with `ts_rank`. Migration 0003 creates the GIN index
  `events_searchentry_body_fts` on exactly that expression.
- SQLite: the FTS5 external-content table `events_searchentry_fts` (kept in step by triggers,
  migration 0003), matched with `'"tok1" "tok2"'` (implicit AND, every token quoted), ranked
  with bm25.

Writes that bypass model signals (`QuerySet.update()`, `bulk_create`, raw SQL, `loaddata` — raw
saves are skipped) leave the index stale: call `index_queryset()` or `reindex_all()` after them.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import batched
from operator import and_
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import ModelSignal, post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from events.models import (
    Actor,
    Channel,
    Engagement,
    Participation,
    SearchEntry,
    Source,
    Statement,
    either_party,
)

__all__ = [
    "FTS_TABLE",
    "MAX_QUERY_TERMS",
    "PG_INDEX",
    "SEARCHABLE",
    "SearchHit",
    "Searchable",
    "apply_search",
    "check_terms",
    "connect_signals",
    "disconnect_signals",
    "document",
    "highlight",
    "index_queryset",
    "index_record",
    "matching",
    "query_terms",
    "reindex_all",
    "search",
    "search_ids",
    "signals_connected",
    "tokenize",
    "unindex_record",
]

FTS_TABLE = "events_searchentry_fts"  # SQLite FTS5 table (migration 0003)
PG_INDEX = "events_searchentry_body_fts"  # PostgreSQL GIN index (migration 0003)
SEARCH_CONFIG = "simple"  # PostgreSQL text search configuration: no stemming, no stop words

# Longer tokens are left out of bodies (PostgreSQL cannot index words over 2047 bytes); a query
# holding one finds nothing, on both engines.
MAX_TOKEN_LENGTH = 100
# The most distinct words one search looks for (module docstring).
MAX_QUERY_TERMS = 32
QUOTE_LENGTH = 80  # how much of a statement's text its title shows
SNIPPET_LENGTH = 200
BATCH_SIZE = 500
TITLE_LENGTH = cast(int, SearchEntry._meta.get_field("title").max_length)  # a CharField's


# --- Tokens --------------------------------------------------------------------------------------


def _is_word_char(char: str) -> bool:
    # Letters (L*) and decimal digits (Nd). Other "numbers" (², ½, ①) are left out: PostgreSQL's
    # parser does not read them as word characters.
    return char.isalpha() or char.isdecimal()


def _words(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of word characters in `text`."""
    start = None
    for index, char in enumerate(text):
        if _is_word_char(char):
            if start is None:
                start = index
        elif start is not None:
            yield start, index
            start = None
    if start is not None:
        yield start, len(text)


def _keys(word: str) -> list[str]:
    """The tokens of one word as stored and searched: case-folded (which can split it, e.g.
    'İ' folds to 'i' + a combining dot)."""
    folded = unicodedata.normalize("NFC", word.casefold())
    return [folded[start:end] for start, end in _words(folded)]


def tokenize(text: str | None) -> list[str]:
    """The word tokens of `text`, in order, as search sees them (see the module docstring)."""
    text = unicodedata.normalize("NFC", text or "")
    return [key for start, end in _words(text) for key in _keys(text[start:end])]


def document(text: str | None) -> str:
    """A `SearchEntry.body`: the tokens of `text` joined by spaces, over-long tokens left out."""
    return " ".join(token for token in tokenize(text) if len(token) <= MAX_TOKEN_LENGTH)


def query_terms(q: str | None) -> list[str]:
    """The distinct tokens of a query, in order, at most MAX_QUERY_TERMS of them; [] when it
    has none (no search)."""
    return list(dict.fromkeys(tokenize(q)))[:MAX_QUERY_TERMS]


def check_terms(q: str | None) -> str | None:
    """Why a search cannot be run as typed (too many distinct words), or None when it can."""
    count = len(dict.fromkeys(tokenize(q)))
    if count > MAX_QUERY_TERMS:
        return (
            f"A search looks for at most {MAX_QUERY_TERMS} different words; this one has "
            f"{count}. Keep the words that matter most."
        )
    return None


def _all_of(queries: list) -> Any:
    """The AND of search queries as a balanced tree: a left-deep chain of many would be
    compiled recursively, one level per word."""
    while len(queries) > 1:
        pairs = [and_(*queries[i : i + 2]) for i in range(0, len(queries) - 1, 2)]
        queries = pairs + ([queries[-1]] if len(queries) % 2 else [])
    return queries[0]


# --- What is indexed -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Searchable[M: Model]:
    """How one model's records are indexed: the hit's title, and the pieces of text whose words
    make up the body (also used for snippets). `select_related`/`prefetch_related` load what
    the two functions read, for bulk indexing and for loading hits."""

    title: Callable[[M], str]
    texts: Callable[[M], Iterable[str]]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def queryset(self, model: type[Model], using: str) -> QuerySet:
        queryset = model._base_manager.using(using)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def pieces(self, obj: M) -> list[str]:
        return [" ".join(text.split()) for text in self.texts(obj) if text and text.strip()]

    def entry_values(self, obj: M) -> tuple[str, str]:
        """(title, body) of the record's entry."""
        title = " ".join(self.title(obj).split())
        if len(title) > TITLE_LENGTH:
            title = title[: TITLE_LENGTH - 1].rstrip() + "…"
        return title, document("\n".join(self.pieces(obj)))


def _quote_start(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1].rstrip() + "…"


def _statement_texts(statement: Statement) -> list[str]:
    speaker = statement.speaker
    return [statement.text, speaker.name, speaker.short_name, speaker.aliases, statement.venue]


def _engagement_texts(engagement: Engagement) -> list[str]:
    channel = engagement.channel
    return [
        engagement.title,
        engagement.location,
        engagement.purpose,
        engagement.significance,
        *[participation.actor.name for participation in engagement.participations.all()],
        channel.party_a.name,
        channel.party_b.name,
    ]


SEARCHABLE: dict[type[Model], Searchable[Any]] = {
    Statement: Searchable(
        title=lambda s: f"{s.speaker.name}: “{_quote_start(s.text)}”",
        texts=_statement_texts,
        select_related=("speaker",),
    ),
    Engagement: Searchable(
        title=lambda e: e.title,
        texts=_engagement_texts,
        select_related=("channel__party_a", "channel__party_b"),
        prefetch_related=("participations__actor",),
    ),
    Source: Searchable(
        title=lambda s: f"{s.outlet}: {s.title}",
        texts=lambda s: [s.outlet, s.title, s.relays, s.notes],
    ),
    Actor: Searchable(
        title=lambda a: a.name,
        texts=lambda a: [a.name, a.short_name, a.aliases, a.description],
    ),
}


def _spec(model: type[Model]) -> tuple[type[Model], Searchable[Any]]:
    concrete = model._meta.concrete_model or model  # None only for abstract models
    try:
        return concrete, SEARCHABLE[concrete]
    except KeyError:
        raise ValueError(f"{model.__name__} is not searchable (see events.search).") from None


def _content_type(model: type[Model], using: str) -> ContentType:
    return ContentType.objects.db_manager(using).get_for_model(model)


# --- Writing entries -----------------------------------------------------------------------------


def index_queryset(queryset: QuerySet) -> int:
    """Write (insert or update) the entries of the records in `queryset`, in batches; returns
    how many were written. Use it after writes that bypass signals (`update()`, `bulk_create`)."""
    model, spec = _spec(queryset.model)
    using = queryset.db
    content_type = _content_type(model, using)
    records = spec.queryset(model, using).filter(pk__in=queryset.values("pk")).order_by("pk")
    written = 0
    with transaction.atomic(using=using):
        for batch in batched(records.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
            entries = []
            for record in batch:
                title, body = spec.entry_values(record)
                entries.append(
                    SearchEntry(
                        content_type=content_type, object_id=record.pk, title=title, body=body
                    )
                )
            SearchEntry.objects.using(using).bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=["title", "body"],
            )
            written += len(entries)
    return written


def index_record(obj: Model, *, using: str | None = None) -> None:
    """Write the entry of one saved record, from what the database holds for it (its related
    rows included); a record no longer in the database loses its entry."""
    model, _ = _spec(type(obj))
    using = using or obj._state.db or router.db_for_write(model)
    if obj.pk is None:
        return
    if not index_queryset(model._base_manager.using(using).filter(pk=obj.pk)):
        unindex_record(obj, using=using)


def unindex_record(obj: Model, *, using: str | None = None) -> None:
    """Remove the entry of a record (call it with the record before or while it is deleted:
    Django clears `pk` after `delete()` returns)."""
    model, _ = _spec(type(obj))
    using = using or obj._state.db or router.db_for_write(model)
    if obj.pk is None:
        return
    SearchEntry.objects.using(using).filter(
        content_type=_content_type(model, using), object_id=obj.pk
    ).delete()


def reindex_all(*, using: str | None = None) -> int:
    """Rebuild every entry in bulk (after loading data with signals off, or to repair the
    index); removes entries of records that no longer exist. Returns the number of entries."""
    using = using or router.db_for_write(SearchEntry)
    with transaction.atomic(using=using):
        content_types = []
        for model in SEARCHABLE:
            content_type = _content_type(model, using)
            content_types.append(content_type)
            SearchEntry.objects.using(using).filter(content_type=content_type).exclude(
                object_id__in=model._base_manager.using(using).values("pk")
            ).delete()
            index_queryset(model._base_manager.using(using).all())
        SearchEntry.objects.using(using).exclude(content_type__in=content_types).delete()
        return SearchEntry.objects.using(using).count()


# --- Signals -------------------------------------------------------------------------------------


def _record_saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        index_record(instance, using=using)


def _record_deleted(sender, instance, using=None, **kwargs):
    unindex_record(instance, using=using)


def _actor_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    """An actor's names also appear in the bodies of their statements and engagements."""
    if raw:
        return
    index_record(instance, using=using)
    if created:
        return
    index_queryset(Statement._base_manager.using(using).filter(speaker=instance))
    takes_part = Participation._base_manager.using(using).filter(actor=instance)
    index_queryset(
        Engagement._base_manager.using(using).filter(
            Q(pk__in=takes_part.values("engagement")) | either_party(instance, prefix="channel__")
        )
    )


def _participation_changed(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        index_queryset(Engagement._base_manager.using(using).filter(pk=instance.engagement_id))


def _channel_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    """An engagement's body names its channel's parties."""
    if not raw and not created:
        index_queryset(Engagement._base_manager.using(using).filter(channel=instance))


_RECEIVERS: list[tuple[ModelSignal, type[Model], Callable[..., None]]] = [
    (post_save, Statement, _record_saved),
    (post_delete, Statement, _record_deleted),
    (post_save, Engagement, _record_saved),
    (post_delete, Engagement, _record_deleted),
    (post_save, Source, _record_saved),
    (post_delete, Source, _record_deleted),
    (post_save, Actor, _actor_saved),
    (post_delete, Actor, _record_deleted),
    (post_save, Participation, _participation_changed),
    (post_delete, Participation, _participation_changed),
    (post_save, Channel, _channel_saved),
]
_connected = False


def _dispatch_uid(signal, sender) -> str:
    kind = "saved" if signal is post_save else "deleted"
    return f"events.search.{sender._meta.model_name}.{kind}"


def connect_signals() -> None:
    """Keep entries in step with records. Idempotent (each receiver has a `dispatch_uid`);
    called from `EventsConfig.ready()`."""
    global _connected
    for signal, sender, receiver in _RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=_dispatch_uid(signal, sender))
    _connected = True


def disconnect_signals() -> None:
    """Stop keeping entries in step (e.g. around a bulk load followed by `reindex_all()`)."""
    global _connected
    for signal, sender, _receiver in _RECEIVERS:
        signal.disconnect(sender=sender, dispatch_uid=_dispatch_uid(signal, sender))
    _connected = False


def signals_connected() -> bool:
    return _connected


# --- Searching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One record found. `rank`: higher is better; compare ranks only within one result list
    (PostgreSQL's ts_rank and SQLite's bm25 use different scales)."""

    model_name: str  # e.g. "statement" (the model's `_meta.model_name`)
    pk: int
    title: str
    snippet: SafeString  # escaped text around the first match, matches in <mark>
    rank: float
    record: Model | None = None

    @property
    def verbose_name(self) -> str:
        return str(self.record._meta.verbose_name) if self.record is not None else self.model_name


@dataclass(frozen=True)
class _Row:
    content_type_id: int
    object_id: int
    title: str
    rank: float


def _ranked(
    terms: list[str], content_type_ids: list[int], using: str, limit: int | None
) -> list[_Row]:
    """Matching entries of those content types, best first (ties by entry id)."""
    if any(len(term) > MAX_TOKEN_LENGTH for term in terms):
        return []  # bodies hold no such token
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return _ranked_postgresql(terms, content_type_ids, using, limit)
    if vendor == "sqlite":
        return _ranked_sqlite(terms, content_type_ids, using, limit)
    raise NotImplementedError(f"Full-text search is not implemented for {vendor}.")


def _ranked_postgresql(terms, content_type_ids, using, limit) -> list[_Row]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # One phrase query per token: a token the parser splits must match as its adjacent parts,
    # as in FTS5. SearchVector renders as to_tsvector('simple'::regconfig, COALESCE(body, '')),
    # the expression of the GIN index.
    query = _all_of(
        [SearchQuery(term, config=SEARCH_CONFIG, search_type="phrase") for term in terms]
    )
    rows = (
        SearchEntry.objects.using(using)
        .annotate(document=SearchVector("body", config=SEARCH_CONFIG))
        .filter(document=query, content_type_id__in=content_type_ids)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "id")
        .values_list("content_type_id", "object_id", "title", "rank")
    )
    if limit is not None:
        rows = rows[:limit]
    return [_Row(*row) for row in rows]


def _ranked_sqlite(terms, content_type_ids, using, limit) -> list[_Row]:
    # Every token quoted: FTS5 reads quoted strings as plain words, never as operators.
    match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    placeholders = ", ".join(["%s"] * len(content_type_ids))
    sql = (
        f"SELECT e.content_type_id, e.object_id, e.title, -bm25({FTS_TABLE}) AS rank "
        f"FROM {FTS_TABLE} JOIN events_searchentry AS e ON e.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND e.content_type_id IN ({placeholders}) "
        f"ORDER BY bm25({FTS_TABLE}), e.id"
    )
    params = [match, *content_type_ids]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [_Row(*row) for row in cursor.fetchall()]


def search_ids(q: str | None, model: type[Model], *, using: str | None = None) -> list[int] | None:
    """Primary keys of `model`'s records matching `q`, best first; [] when none match; None when
    `q` has no word tokens — no search, so do not filter. For list views:

        ids = search_ids(q, Statement)
        if ids is not None:
            statements = statements.filter(pk__in=ids)

    (`apply_search` does this and orders by rank.)"""
    model, _ = _spec(model)
    terms = query_terms(q)
    if not terms:
        return None
    using = using or router.db_for_read(SearchEntry)
    content_type = _content_type(model, using)
    return [row.object_id for row in _ranked(terms, [content_type.pk], using, None)]


def matching(q: str | None, model: type[Model], *, using: str | None = None):
    """The primary keys of `model`'s records matching `q` as a subquery (no ranking, no record
    fetched into Python): for lists that keep their own order and filter with
    `pk__in=matching(...)`. None when `q` has no word tokens — no search, so do not filter.
    Served by the GIN index on PostgreSQL and the FTS5 table on SQLite. On PostgreSQL it runs
    one query when called, counting the matches to choose the subquery's form
    (`_planned_for_density`)."""
    model, _ = _spec(model)
    terms = query_terms(q)
    if not terms:
        return None
    using = using or router.db_for_read(SearchEntry)
    content_type = _content_type(model, using)
    if any(len(term) > MAX_TOKEN_LENGTH for term in terms):
        return SearchEntry.objects.using(using).none().values("object_id")
    vendor = connections[using].vendor
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = _all_of(
            [SearchQuery(term, config=SEARCH_CONFIG, search_type="phrase") for term in terms]
        )
        matches = (
            SearchEntry.objects.using(using)
            .annotate(document=SearchVector("body", config=SEARCH_CONFIG))
            .filter(document=query, content_type_id=content_type.pk)
            .values("object_id")
        )
        return _planned_for_density(matches)
    if vendor == "sqlite":
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        return RawSQL(
            f"SELECT e.object_id FROM {FTS_TABLE} JOIN events_searchentry AS e "
            f"ON e.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s AND e.content_type_id = %s",
            [match, content_type.pk],
        )
    raise NotImplementedError(f"Full-text search is not implemented for {vendor}.")


# Up to this many matches, a list's search is planned as "the matches first" (below).
SPARSE_MATCHES = 2_000


def _planned_for_density(matches: QuerySet):
    """`matches` (a PostgreSQL subquery of object ids) written so that the planner takes the
    right road for how many records match. PostgreSQL estimates a word's matches from its
    statistics, and for a rare word or a phrase of common words it can be wrong by thousands:
    it then walks the whole list in its order (newest first), probing each record for the
    words — seconds on a large table for a word that matches nothing. So we count the matches,
    up to SPARSE_MATCHES + 1 (the GIN index alone), and:

    - a few (at most SPARSE_MATCHES): the subquery is fenced (`OFFSET 0`, which PostgreSQL
      never flattens into the outer query), so the matches are read once through the index and
      the list sorts only them — its cost grows with the matches, not the table;
    - many: left as it is; the planner's walk in list order finds a page of them quickly.

    One query more per search; each list page then costs what its matches cost."""
    if matches[: SPARSE_MATCHES + 1].count() > SPARSE_MATCHES:
        return matches
    sql, params = matches.query.get_compiler(matches.db).as_sql()
    return RawSQL(f"SELECT object_id FROM ({sql}) AS matches OFFSET 0", params)


def apply_search(queryset: QuerySet, q: str | None, *, order_by_rank: bool = True) -> QuerySet:
    """`queryset` narrowed to the records matching `q` (unchanged when `q` has no word tokens),
    best match first unless `order_by_rank` is False."""
    ids = search_ids(q, queryset.model, using=queryset.db)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    queryset = queryset.filter(pk__in=ids)
    if order_by_rank:
        position = Case(
            *[When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        queryset = queryset.alias(search_position=position).order_by("search_position")
    return queryset


def search(
    q: str | None,
    *,
    models: list[type[Model]] | None = None,
    limit: int | None = 50,
    using: str | None = None,
) -> list[SearchHit]:
    """Records of `models` (default: every searchable model) matching `q`, best first, at most
    `limit`; [] when `q` has no word tokens. Each hit carries its record, loaded with what its
    snippet needs."""
    terms = query_terms(q)
    if not terms:
        return []
    using = using or router.db_for_read(SearchEntry)
    specs = dict(_spec(model) for model in (models or list(SEARCHABLE)))
    by_content_type = {_content_type(model, using).pk: model for model in specs}
    rows = _ranked(terms, list(by_content_type), using, limit)

    wanted: dict[type[Model], list[int]] = defaultdict(list)
    for row in rows:
        wanted[by_content_type[row.content_type_id]].append(row.object_id)
    records = {
        model: specs[model].queryset(model, using).in_bulk(ids) for model, ids in wanted.items()
    }
    terms_set = set(terms)
    hits = []
    for row in rows:
        model = by_content_type[row.content_type_id]
        record = records[model].get(row.object_id)
        if record is None:  # deleted since the entry was read
            continue
        hits.append(
            SearchHit(
                model_name=model._meta.model_name or "",  # set on every concrete model
                pk=record.pk,
                title=row.title,
                snippet=_snippet(specs[model].pieces(record), terms_set),
                rank=row.rank,
                record=record,
            )
        )
    return hits


# --- Showing matches -----------------------------------------------------------------------------


def _highlight(text: str, terms: set[str]) -> SafeString:
    text = unicodedata.normalize("NFC", str(text or ""))
    parts: list[str] = []
    position = 0
    for start, end in _words(text):
        word = text[start:end]
        if terms.intersection(_keys(word)):
            parts.append(escape(text[position:start]))
            parts.append(f"<mark>{escape(word)}</mark>")
            position = end
    parts.append(escape(text[position:]))
    # Safe: every piece of the text went through escape(); only <mark> tags are added.
    return mark_safe("".join(parts))  # noqa: S308


def highlight(text: str | None, q: str | None) -> SafeString:
    """`text`, HTML-escaped, with each whole word matching a token of `q` (as search matches
    it: case-insensitive, no prefixes) wrapped in <mark>."""
    return _highlight(text or "", set(query_terms(q)))


def _first_match(text: str, terms: set[str]) -> tuple[int, int] | None:
    for start, end in _words(text):
        if terms.intersection(_keys(text[start:end])):
            return start, end
    return None


def _snippet(pieces: list[str], terms: set[str]) -> SafeString:
    """The first piece of text with a match (else the first piece), cut to about
    SNIPPET_LENGTH characters around the match at word boundaries, highlighted."""
    if not pieces:
        return mark_safe("")
    text, match = pieces[0], None
    for piece in pieces:
        piece = unicodedata.normalize("NFC", piece)
        if (found := _first_match(piece, terms)) is not None:
            text, match = piece, found
            break
    if len(text) > SNIPPET_LENGTH:
        match_start, match_end = match or (0, 0)
        start = max(0, match_start - SNIPPET_LENGTH // 3)
        if start > 0:
            space = text.find(" ", start, match_start)
            start = space + 1 if space != -1 else start
        end = min(len(text), max(start + SNIPPET_LENGTH, match_end))
        if end < len(text):
            space = text.rfind(" ", match_end, end)
            end = space if space != -1 else end
        text = ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")
    return _highlight(text, terms)
