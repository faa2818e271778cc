"""`manage.py intake ARTICLE --published YYYY-MM-DD [--json]`: suggest records from a report.

Reads the article (a UTF-8 text file, or `-` for standard input), runs `events.intake.analyse`
against the database and prints the suggestions: a readable listing, or with `--json` one JSON
object `{"published": ..., "suggestions": [...]}`. Nothing is written to the database.
"""

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.intake import KINDS, analyse


def _published(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--published must be a date written YYYY-MM-DD, e.g. 2025-09-05; got {value!r}."
        ) from None


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.exists():
        raise CommandError(f"No article file at {path}.")
    if not file.is_file():
        raise CommandError(f"{path} is not a file; give the path of a text file.")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save the article as UTF-8.") from None
    except OSError as error:
        raise CommandError(f"Could not read {path}: {error.strerror or error}.") from None


def _describe(suggestion) -> str:
    value = suggestion.value
    match suggestion.kind:
        case "update":
            date = (value.get("date") or {}).get("human", "no date")
            if value["update"] == "lifecycle":
                change = f"{value['engagement']} → {value['to_state']}"
            elif value["update"] == "status":
                change = f"{value['channel']} → {value['status']}"
            else:
                change = f"settle: {value['sticking_point']}"
            return f"{change}, {date} ({value['reason']})"
        case "statement" | "paraphrase":
            speaker = value["speaker"] or value.get("unmatched_speaker") or "unknown speaker"
            words = value.get("quote") or value.get("paraphrase") or suggestion.text
            said = (value.get("said") or {}).get("human")
            return (
                f"“{words}” — {speaker} ({value['confidence']}: {value['basis']})"
                + (f", said {said}" if said else "")
                + (" [reported as denied]" if value.get("denied") else "")
            )
        case "new_person":
            where = value.get("institution") or value.get("state") or "institution not found"
            title = value.get("office_title") or value.get("title") or "no title"
            return f"{value['name']}: {title}, {where}"
        case "characterisation":
            by = value["speaker"] or "unknown"
            words = ", ".join(value["engagement_words"])
            return f"“{value['words']}” describing: {words} — by {by} ({value['confidence']})"
        case "date":
            reasoning = f" — {value['reasoning']}" if value.get("reasoning") else ""
            return f"{value['human']} ({value['earliest']} to {value['latest']}){reasoning}"
        case "actor":
            return f"{value['name']} ({value['kind']}, as {value['matched_as']})"
        case "office":
            holders = ", ".join(h["name"] for h in value["holders"]) or "no holder on record"
            return f"{value['title']}, {value['institution']} — held by {holders}"
        case "channel":
            return f"{value['channel']} [{value['slug']}]: {value['reason']}"
    return str(value)


class Command(BaseCommand):
    help = (
        "Suggest updates to recorded facts, statements, paraphrases, characterisations, new "
        "people, dates, actors, offices and channels from a news report (read-only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("article", help="Path of the article, a UTF-8 text file ('-': stdin).")
        parser.add_argument(
            "--published",
            required=True,
            help="Publication date, YYYY-MM-DD; dates without a year are read in its year.",
        )
        parser.add_argument("--outlet", default="", help="Publisher, echoed in the output.")
        parser.add_argument("--url", default="", help="Address of the article, echoed.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a list.")

    def handle(self, *args, article: str, published: str, outlet: str, url: str, **options):
        when = _published(published)
        text = _read(article)
        suggestions = analyse(text, published=when)
        if options["json"]:
            payload: dict[str, object] = {"published": when.isoformat()}
            if outlet:
                payload["outlet"] = outlet
            if url:
                payload["url"] = url
            payload["suggestions"] = [s.as_dict() for s in suggestions]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        source = " — ".join(filter(None, [outlet, url])) or article
        self.stdout.write(f"{source}, published {when.isoformat()}: {len(suggestions)} suggestions")
        for kind in KINDS:
            found = [s for s in suggestions if s.kind == kind]
            if not found:
                continue
            heading = {"new_person": "New people", "update": "Updates to recorded facts"}
            self.stdout.write(f"\n{heading.get(kind, kind.capitalize() + 's')} ({len(found)})")
            for s in found:
                self.stdout.write(f"  [{s.start}:{s.end}] {_describe(s)}")
                if s.flag:
                    self.stdout.write(self.style.WARNING(f"    ! {s.flag}"))
