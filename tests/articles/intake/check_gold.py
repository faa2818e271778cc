"""Check the intake corpus's gold files against their articles and the seed data.

Run from anywhere: `python tests/articles/intake/check_gold.py [CORPUS]` (CORPUS: this folder by
default, or another in the same format, e.g. tests/articles/intake-heldout). Plain stdlib; exits 1
when a gold file disagrees with its article or names something the seeds (seeds/*.toml and this
folder's known/*.toml) do not hold. Prints the corpus totals per category at the end.
"""

import datetime
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
ROOT = HERE.parents[2]
SEED_FILES = sorted((ROOT / "seeds").glob("*.toml")) + sorted((HERE / "known").glob("*.toml"))

STYLES = {"wire", "readout", "newspaper", "feature", "briefing", "analysis"}
STEPS = {"held", "scheduled", "postponed", "declined", "cancelled"}
STATUSES = {"open", "limited", "stalled", "frozen"}
OUTCOMES = {"settled", "superseded", "resolved"}
FIRST, LAST = datetime.date(2025, 9, 10), datetime.date(2025, 12, 20)
WEEKDAYS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"last|next|this|previous|earlier this|later this|ago|weekend)\b",
    re.I,
)


def load_seeds():
    actors, channels, engagements, offices, sticking, rationales = (
        {},
        set(),
        set(),
        set(),
        set(),
        set(),
    )
    for path in SEED_FILES:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for actor in data.get("actors", []):
            actors[actor["slug"]] = actor
        channels.update(c["slug"] for c in data.get("channels", []))
        engagements.update(e["title"] for e in data.get("engagements", []))
        offices.update((o["title"], o["institution"]) for o in data.get("offices", []))
        sticking.update(s["title"] for s in data.get("sticking_points", []))
        for claim in data.get("counterpart_claims", []):
            rationales.update({claim["key"], claim.get("rationale", "")})
    return actors, channels, engagements, offices, sticking, rationales


def day(value, where, problems):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: not a date: {value!r}")
        return None


def check(gold_path, seeds, problems, totals):
    actors, channels, engagements, offices, sticking, rationales = seeds
    name = gold_path.name
    article_path = gold_path.with_name(name.replace(".gold.toml", ".txt"))
    if not article_path.exists():
        problems.append(f"{name}: no article {article_path.name}")
        return
    text = article_path.read_text(encoding="utf-8")
    try:
        gold = tomllib.loads(gold_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{name}: invalid TOML: {error}")
        return

    def err(message):
        problems.append(f"{name}: {message}")

    lines = text.split("\n")
    if gold.get("title") != lines[0]:
        err(f"title {gold.get('title')!r} is not the first line {lines[0]!r}")
    if len(lines) < 3 or lines[1].strip():
        err("the headline must be followed by a blank line")
    words = len(text.split())
    if not 250 <= words <= 700:
        err(f"{words} words; articles have 250–700")
    for field in ("outlet", "title", "published", "style"):
        if not gold.get(field):
            err(f"missing {field}")
    published = day(gold.get("published"), f"{name} published", problems)
    if published and not FIRST <= published <= LAST:
        err(f"published {published} outside {FIRST}..{LAST}")
    if gold.get("style") not in STYLES:
        err(f"style {gold.get('style')!r} not one of {sorted(STYLES)}")

    def speaker_ok(speaker, where):
        if speaker == "" or speaker in actors:
            return
        if speaker not in text:
            err(f"{where}: speaker {speaker!r} is neither a known slug nor a name in the article")

    for slug in gold.get("known_actors", []):
        if slug not in actors:
            err(f"known actor {slug!r} is not in the seeds")
    for slug in gold.get("channels", []):
        if slug not in channels:
            err(f"channel {slug!r} is not in the seeds")

    for i, quote in enumerate(gold.get("quotes", []), 1):
        where = f"quote {i}"
        if not quote.get("quote") or quote["quote"] not in text:
            err(f"{where}: {quote.get('quote')!r} is not in the article")
        speaker_ok(quote.get("speaker", None), where)
        if not isinstance(quote.get("denied"), bool):
            err(f"{where}: denied must be true or false")
        if "said" in quote:
            said = day(quote["said"], f"{name} {where} said", problems)
            if said and published and said > published:
                err(f"{where}: said {said} after publication")
        totals["quotes"] += 1
        totals["denied quotes"] += bool(quote.get("denied"))
        totals["short quotes (≤ 2 words)"] += len(quote.get("quote", "").split()) <= 2
        totals["unattributed quotes (scare quotes, titles)"] += quote.get("speaker") == ""

    for i, para in enumerate(gold.get("paraphrases", []), 1):
        if para.get("text", "") not in text or not para.get("text"):
            err(f"paraphrase {i}: {para.get('text')!r} is not in the article")
        speaker_ok(para.get("speaker", None), f"paraphrase {i}")
        totals["paraphrases"] += 1

    for i, date in enumerate(gold.get("dates", []), 1):
        snippet = date.get("text", "")
        count = text.count(snippet) if snippet else 0
        if count != 1:
            err(f"date {i}: {snippet!r} occurs {count} times; it must occur once")
        earliest = day(date.get("earliest"), f"{name} date {i} earliest", problems)
        latest = day(date.get("latest"), f"{name} date {i} latest", problems)
        if earliest and latest and earliest > latest:
            err(f"date {i}: earliest {earliest} after latest {latest}")
        if not isinstance(date.get("ambiguous"), bool):
            err(f"date {i}: ambiguous must be true or false")
        totals["dates"] += 1
        totals["weekday or relative dates"] += bool(WEEKDAYS.search(snippet))
        totals["ambiguous dates"] += bool(date.get("ambiguous"))

    for i, office in enumerate(gold.get("offices", []), 1):
        snippet = office.get("text", "")
        count = text.count(snippet) if snippet else 0
        if count != 1:
            err(f"office {i}: {snippet!r} occurs {count} times; it must occur once")
        institution = office.get("institution", "")
        if institution and institution not in actors:
            err(f"office {i}: institution {institution!r} is not in the seeds")
        title = office.get("office", "")
        if title and (title, institution) not in offices:
            err(f"office {i}: no office {title!r} of {institution!r} in the seeds")
        totals["offices"] += 1
        state = actors.get(institution, {}).get("state") if institution else None
        if (state and state != "united-states") or institution in {"china", "japan", "philippines"}:
            totals["foreign-title offices"] += 1

    known_names = {a["name"] for a in actors.values()}
    for i, person in enumerate(gold.get("new_people", []), 1):
        if not person.get("name") or person["name"] not in text:
            err(f"new person {i}: {person.get('name')!r} is not in the article")
        if person.get("name") in known_names:
            err(f"new person {i}: {person['name']!r} is already in the seeds")
        institution = person.get("institution", "")
        if institution and institution not in actors:
            err(f"new person {i}: institution {institution!r} is not in the seeds")
        totals["new people"] += 1

    for i, update in enumerate(gold.get("updates", []), 1):
        kind = update.get("kind")
        where = f"update {i}"
        if kind == "lifecycle":
            if update.get("engagement") not in engagements:
                err(f"{where}: no engagement titled {update.get('engagement')!r}")
            if update.get("step") not in STEPS:
                err(f"{where}: step {update.get('step')!r} not one of {sorted(STEPS)}")
        elif kind == "status":
            if update.get("channel") not in channels:
                err(f"{where}: channel {update.get('channel')!r} is not in the seeds")
            if update.get("status") not in STATUSES:
                err(f"{where}: status {update.get('status')!r} not one of {sorted(STATUSES)}")
        elif kind == "dispute":
            if "sticking_point" in update and update["sticking_point"] not in sticking:
                err(f"{where}: no sticking point titled {update['sticking_point']!r}")
            if "claim" in update and update["claim"] not in rationales:
                err(f"{where}: no counterpart claim {update['claim']!r}")
            if "sticking_point" not in update and "claim" not in update:
                err(f"{where}: a dispute names a sticking_point or a claim")
            if update.get("outcome") not in OUTCOMES:
                err(f"{where}: outcome {update.get('outcome')!r} not one of {sorted(OUTCOMES)}")
        else:
            err(f"{where}: kind {kind!r} not lifecycle, status or dispute")
        earliest = day(update.get("earliest"), f"{name} {where} earliest", problems)
        latest = day(update.get("latest"), f"{name} {where} latest", problems)
        if earliest and latest and earliest > latest:
            err(f"{where}: earliest {earliest} after latest {latest}")
        totals["updates"] += 1
        totals[f"updates: {kind}"] += 1
    totals["articles"] += 1
    totals[f"style: {gold.get('style')}"] += 1


def main() -> int:
    from collections import Counter

    seeds = load_seeds()
    problems: list[str] = []
    totals: Counter = Counter()
    golds = sorted(CORPUS.glob("*.gold.toml"))
    articles = sorted(CORPUS.glob("*.txt"))
    problems += [
        f"{article.name}: no gold file"
        for article in articles
        if not article.with_name(article.name.replace(".txt", ".gold.toml")).exists()
    ]
    for gold_path in golds:
        check(gold_path, seeds, problems, totals)
    for key in sorted(totals):
        print(f"{key}: {totals[key]}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("\nAll gold files agree with their articles and the seeds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
