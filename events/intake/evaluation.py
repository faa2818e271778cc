"""Scoring intake against a corpus of reports with gold files (tests/articles/intake/).

Each report `NN-name.txt` has a gold file `NN-name.gold.toml` an editor wrote by reading it (the
format is in the corpus's README). `score_report` compares what `analyse` suggests for a report
with its gold and counts, per category, the gold items, the suggestions and the ones that agree;
recall and precision follow. What agrees, by category:

- quotes: a statement or characterisation whose span overlaps a gold quotation someone said
  (quoted words nobody said — scare quotes, titles — are gold with no speaker: suggesting them
  costs precision);
- speakers: a suggested quotation matched above whose speaker is the gold one (a known actor, or
  a person not in the database named as `unmatched_speaker`, by the words of their name). A
  gold speaker described, not named ("a senior Japanese official"), agrees with any speaker
  that is not a person (the side is not checked: a lenient reading, said in docs/intake.md);
- denied: a matched quotation marked denied, against the gold ones marked so;
- paraphrases: a paraphrase overlapping the gold clause, with the gold speaker;
- dates: a date overlapping the gold expression with the gold first and last day (an ambiguous
  gold date also agrees with a suggestion flagged ambiguous that covers its days);
- offices: an office overlapping a gold title that names a recorded office, with that title and
  institution; a suggestion on a title the gold says names no recorded office is a wrong one
  (suggestions on titles the gold does not list are not counted);
- known actors, channels: the sets of slugs per report;
- new people: the names offered as new actors, by the words of the name;
- updates: lifecycle steps (engagement and step), status changes (channel and status) and
  dispute settlements (sticking point), with the gold date where the gold gives one.
"""

import re
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from events.intake.suggestions import Suggestion

CATEGORIES = (
    "quotes",
    "speakers",
    "denied",
    "paraphrases",
    "dates",
    "offices",
    "known actors",
    "new people",
    "channels",
    "updates",
)


@dataclass
class Score:
    gold: int = 0
    suggested: int = 0
    agreed_gold: int = 0  # gold items a suggestion agrees with
    agreed_suggested: int = 0  # suggestions that agree with a gold item
    misses: list[str] = field(default_factory=list)  # gold items nothing agreed with
    wrong: list[str] = field(default_factory=list)  # suggestions that agreed with nothing

    @property
    def recall(self) -> float | None:
        return self.agreed_gold / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.agreed_suggested / self.suggested if self.suggested else None

    def add(self, other: "Score") -> None:
        self.gold += other.gold
        self.suggested += other.suggested
        self.agreed_gold += other.agreed_gold
        self.agreed_suggested += other.agreed_suggested
        self.misses += other.misses
        self.wrong += other.wrong


@dataclass
class Report:
    name: str
    text: str
    gold: dict
    published: date


class _RollBack(Exception):
    pass


@contextmanager
def seeded_for_evaluation(*known: Path) -> Iterator[None]:
    """The seed (seeds/) and the seed files in the `known` folders (the other states and
    channels a corpus's reports are about), loaded for the block, then rolled back: the database
    is left as it was. Raises SeedError if they do not load."""
    from events.offline.seeding import load_seed_files

    seeds = sorted((settings.BASE_DIR / "seeds").glob("*.toml"))
    for folder in known:
        seeds += sorted(folder.glob("*.toml"))
    try:
        with transaction.atomic():
            load_seed_files(seeds)
            yield
            raise _RollBack
    except _RollBack:
        pass


def load_corpus(directory: Path) -> list[Report]:
    reports = []
    for gold_path in sorted(directory.glob("*.gold.toml")):
        text_path = gold_path.with_name(gold_path.name.removesuffix(".gold.toml") + ".txt")
        gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
        published = gold["published"]
        if not isinstance(published, date):
            published = date.fromisoformat(str(published))
        reports.append(
            Report(text_path.stem, text_path.read_text(encoding="utf-8"), gold, published)
        )
    return reports


# A gold speaker described, not named ("a senior Japanese official", "One Pentagon official").
_ANONYMOUS = re.compile(r"(?:an?|one|two|the|some|several)\s", re.IGNORECASE)


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", name.lower())


def _same_person(suggested: str, gold: str) -> bool:
    """A name as suggested names the gold person when its words are among the gold name's
    ("Lin" or "Lin Jian" for "Lin Jian")."""
    words = _words(suggested)
    return bool(words) and set(words) <= set(_words(gold))


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match_spans(
    gold_spans: list[list[tuple[int, int]]], suggestions: list[Suggestion]
) -> dict[int, int]:
    """Gold index -> suggestion index, one to one, each gold item taking the first free
    suggestion that overlaps one of its occurrences."""
    taken: set[int] = set()
    matched = {}
    for gold_index, spans in enumerate(gold_spans):
        for index, suggestion in enumerate(suggestions):
            if index in taken:
                continue
            if any(_overlaps(span, (suggestion.start, suggestion.end)) for span in spans):
                matched[gold_index] = index
                taken.add(index)
                break
    return matched


def _date_agrees(gold: dict, value: dict) -> bool:
    earliest, latest = str(gold["earliest"]), str(gold["latest"])
    if value.get("earliest") == earliest and value.get("latest") == latest:
        return True
    return bool(
        gold.get("ambiguous")
        and value.get("ambiguous")
        and value.get("earliest", "9999") <= earliest
        and value.get("latest", "") >= latest
    )


class _Scorer:
    def __init__(self, report: Report, suggestions: list[Suggestion], slugs: dict) -> None:
        self.report, self.text, self.gold = report, report.text, report.gold
        self.slugs = slugs  # lookups: actor id -> slug, channel id -> slug, …
        self.by_kind: dict[str, list[Suggestion]] = {}
        for suggestion in suggestions:
            self.by_kind.setdefault(suggestion.kind, []).append(suggestion)

    def kind(self, *kinds: str) -> list[Suggestion]:
        found = [s for k in kinds for s in self.by_kind.get(k, [])]
        return sorted(found, key=lambda s: s.start)

    def label(self, what: str) -> str:
        return f"{self.report.name}: {what}"

    def speaker_agrees(self, value: dict, gold_speaker: str) -> bool:
        speaker_id = value.get("speaker_id")
        anonymous = bool(_ANONYMOUS.match(gold_speaker))
        if speaker_id and anonymous:
            # "a senior Japanese official": the side, not a named person, is the right answer.
            return self.slugs["actor_kind"].get(speaker_id) != "person"
        if speaker_id:
            return self.slugs["actor"].get(speaker_id) == gold_speaker
        name = value.get("unmatched_speaker") or ""
        return bool(name) and _same_person(name, gold_speaker)

    def quotes(self, scores: dict[str, Score]) -> None:
        gold = self.gold.get("quotes", [])
        suggested = self.kind("statement", "characterisation")
        spans = [_occurrences(self.text, q["quote"]) for q in gold]
        matched = _match_spans(spans, suggested)
        quotes, speakers, denied = scores["quotes"], scores["speakers"], scores["denied"]
        spoken = [i for i, q in enumerate(gold) if q.get("speaker")]
        quotes.gold += len(spoken)
        quotes.suggested += len(suggested)
        for index, q in enumerate(gold):
            hit = matched.get(index)
            said = bool(q.get("speaker"))
            if said and hit is not None:
                quotes.agreed_gold += 1
                quotes.agreed_suggested += 1
            elif said:
                quotes.misses.append(self.label(f"“{q['quote']}”"))
            elif hit is not None:
                quotes.wrong.append(self.label(f"“{q['quote']}” (nobody's words)"))
            if said:
                speakers.gold += 1
                value = suggested[hit].value if hit is not None else {}
                names_one = bool(value.get("speaker_id") or value.get("unmatched_speaker"))
                speakers.suggested += names_one
                if hit is not None and self.speaker_agrees(value, q["speaker"]):
                    speakers.agreed_gold += 1
                    speakers.agreed_suggested += 1
                else:
                    given = value.get("speaker") or value.get("unmatched_speaker") or "none"
                    speakers.misses.append(
                        self.label(f"“{q['quote'][:50]}”: {q['speaker']}, suggested {given}")
                    )
            if hit is not None and said:
                is_denied = bool(suggested[hit].value.get("denied"))
                denied.gold += bool(q.get("denied"))
                denied.suggested += is_denied
                if q.get("denied") and is_denied:
                    denied.agreed_gold += 1
                    denied.agreed_suggested += 1
                elif q.get("denied"):
                    denied.misses.append(self.label(f"“{q['quote'][:50]}”"))
                elif is_denied:
                    denied.wrong.append(self.label(f"“{q['quote'][:50]}”"))
            elif q.get("denied"):
                denied.gold += 1
                denied.misses.append(self.label(f"“{q['quote'][:50]}” (quote not found)"))
        unmatched = set(range(len(suggested))) - set(matched.values())
        quotes.wrong += [self.label(f"“{suggested[i].text[:60]}”") for i in sorted(unmatched)]

    def paraphrases(self, scores: dict[str, Score]) -> None:
        gold = self.gold.get("paraphrases", [])
        suggested = self.kind("paraphrase")
        matched = _match_spans([_occurrences(self.text, p["text"]) for p in gold], suggested)
        score = scores["paraphrases"]
        score.gold += len(gold)
        score.suggested += len(suggested)
        for index, p in enumerate(gold):
            hit = matched.get(index)
            if hit is not None and self.speaker_agrees(suggested[hit].value, p["speaker"]):
                score.agreed_gold += 1
                score.agreed_suggested += 1
            else:
                score.misses.append(self.label(f"{p['speaker']}: {p['text'][:60]}"))
        unmatched = set(range(len(suggested))) - set(matched.values())
        score.wrong += [self.label(suggested[i].text[:60]) for i in sorted(unmatched)]

    def dates(self, scores: dict[str, Score]) -> None:
        gold = self.gold.get("dates", [])
        suggested = self.kind("date")
        score = scores["dates"]
        score.gold += len(gold)
        score.suggested += len(suggested)
        agreeing: set[int] = set()
        for d in gold:
            spans = _occurrences(self.text, d["text"])
            near = [
                i
                for i, s in enumerate(suggested)
                if i not in agreeing and any(_overlaps(span, (s.start, s.end)) for span in spans)
            ]
            good = [i for i in near if _date_agrees(d, suggested[i].value)]
            if good:
                agreeing.add(good[0])
                score.agreed_gold += 1
            else:
                found = ", ".join(
                    f"{suggested[i].value.get('earliest')}..{suggested[i].value.get('latest')}"
                    for i in near
                )
                score.misses.append(
                    self.label(
                        f"“{d['text']}” = {d['earliest']}..{d['latest']}; "
                        f"suggested {found or 'nothing'}"
                    )
                )
        score.agreed_suggested += len(agreeing)
        for i, s in enumerate(suggested):
            if i not in agreeing:
                value = s.value
                score.wrong.append(
                    self.label(f"“{s.text}” as {value.get('earliest')}..{value.get('latest')}")
                )

    def offices(self, scores: dict[str, Score]) -> None:
        gold = self.gold.get("offices", [])
        suggested = self.kind("office")
        score = scores["offices"]
        counted: set[int] = set()
        agreed: set[int] = set()  # each suggestion agrees with one gold title at most
        for o in gold:
            spans = _occurrences(self.text, o["text"])
            near = [
                i
                for i, s in enumerate(suggested)
                if any(_overlaps(span, (s.start, s.end)) for span in spans)
            ]
            counted.update(near)
            if o.get("office"):
                score.gold += 1
                right = [
                    i
                    for i in near
                    if suggested[i].value.get("title") == o["office"]
                    and self.slugs["actor"].get(suggested[i].value.get("institution_id"))
                    == o.get("institution")
                ]
                right = [i for i in right if i not in agreed]
                if right:
                    score.agreed_gold += 1
                    agreed.add(right[0])
                else:
                    given = ", ".join(suggested[i].value.get("title", "") for i in near)
                    score.misses.append(
                        self.label(f"“{o['text']}” = {o['office']}; suggested {given or '—'}")
                    )
                score.wrong += [
                    self.label(f"“{o['text']}” as {suggested[i].value.get('title')}")
                    for i in near
                    if i not in agreed
                ]
            else:
                score.wrong += [
                    self.label(
                        f"“{o['text']}” (no recorded office) as {suggested[i].value['title']}"
                    )
                    for i in near
                ]
        score.suggested += len(counted)
        score.agreed_suggested += len(agreed)

    def sets(self, scores: dict[str, Score]) -> None:
        actors = {self.slugs["actor"].get(s.value.get("actor_id")) for s in self.kind("actor")}
        channels = {
            self.slugs["channel"].get(s.value.get("channel_id")) for s in self.kind("channel")
        }
        for category, found, wanted in (
            ("known actors", actors - {None}, set(self.gold.get("known_actors", []))),
            ("channels", channels - {None}, set(self.gold.get("channels", []))),
        ):
            score = scores[category]
            score.gold += len(wanted)
            score.suggested += len(found)
            score.agreed_gold += len(found & wanted)
            score.agreed_suggested += len(found & wanted)
            score.misses += [self.label(slug) for slug in sorted(wanted - found)]
            score.wrong += [self.label(str(slug)) for slug in sorted(found - wanted)]

    def new_people(self, scores: dict[str, Score]) -> None:
        gold = [p["name"] for p in self.gold.get("new_people", [])]
        offered = [s.value.get("name") or s.text for s in self.kind("new_person")]
        score = scores["new people"]
        score.gold += len(gold)
        score.suggested += len(offered)
        # One to one: each gold person agrees with at most one name offered, and the other way.
        free = list(range(len(offered)))
        for name in gold:
            match = next(
                (
                    i
                    for i in free
                    if _same_person(offered[i], name) or _same_person(name, offered[i])
                ),
                None,
            )
            if match is None:
                score.misses.append(self.label(name))
                continue
            free.remove(match)
            score.agreed_gold += 1
            score.agreed_suggested += 1
        score.wrong += [self.label(offered[i]) for i in free]

    def update_names(self, value: dict) -> list[tuple]:
        """What a suggested update changes, as gold files name it. A settlement names the
        sticking point it resolves and each claim it ends (settled or superseded)."""
        kind = value.get("update")
        if kind == "lifecycle":
            engagement = self.slugs["engagement"].get(value.get("engagement_id"))
            return [(kind, engagement, value.get("to_state"))]
        if kind == "status":
            return [(kind, self.slugs["channel"].get(value.get("channel_id")), value.get("status"))]
        point = self.slugs["sticking_point"].get(value.get("sticking_point_id"))
        settled = {value.get("settled_claim_id")}
        names = [("dispute", point, "resolved")]
        for claim_id in value.get("claim_ids") or []:
            outcome = "settled" if claim_id in settled else "superseded"
            names.append(("dispute", self.slugs["claim"].get(claim_id), outcome))
        return names

    def updates(self, scores: dict[str, Score]) -> None:
        gold = self.gold.get("updates", [])
        suggested = self.kind("update")
        score = scores["updates"]
        score.gold += len(gold)
        score.suggested += len(suggested)
        names = [self.update_names(s.value) for s in suggested]
        agreeing: set[int] = set()
        for u in gold:
            if u["kind"] == "lifecycle":
                name: tuple = ("lifecycle", u["engagement"], u["step"])
            elif u["kind"] == "status":
                name = ("status", u["channel"], u["status"])
            elif u.get("sticking_point"):
                name = ("dispute", u["sticking_point"], "resolved")
            else:
                name = ("dispute", u.get("claim"), u.get("outcome"))
            good = [
                i
                for i, named in enumerate(names)
                if name in named
                and ("earliest" not in u or _date_agrees(u, suggested[i].value.get("date") or {}))
            ]
            if good:
                agreeing.update(good[:1])
                score.agreed_gold += 1
            else:
                when = f" {u['earliest']}..{u['latest']}" if "earliest" in u else ""
                score.misses.append(self.label(" ".join(map(str, name))[:120] + when))
        score.agreed_suggested += len(agreeing)
        for i, named in enumerate(names):
            if i not in agreeing:
                when = (suggested[i].value.get("date") or {}).get("human", "")
                score.wrong.append(self.label(" ".join(map(str, named[0])) + f" {when}"))


def score_report(report: Report, suggestions: list[Suggestion], slugs: dict) -> dict[str, Score]:
    scores = {category: Score() for category in CATEGORIES}
    scorer = _Scorer(report, suggestions, slugs)
    scorer.quotes(scores)
    scorer.paraphrases(scores)
    scorer.dates(scores)
    scorer.offices(scores)
    scorer.sets(scores)
    scorer.new_people(scores)
    scorer.updates(scores)
    return scores


def total(per_report: Iterable[dict[str, Score]]) -> dict[str, Score]:
    scores = {category: Score() for category in CATEGORIES}
    for report_scores in per_report:
        for category, score in report_scores.items():
            scores[category].add(score)
    return scores
