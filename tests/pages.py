"""Reading the pages' footnotes in tests: the references beside facts ([1], [2]) and the
numbered sources list they link to (events.footnotes)."""

import re

REF = re.compile(
    r'<a href="#source-(\d+)" id="ref-(\d+)-(\d+)" aria-label="Source \d+">\[(\d+)\]</a>'
)
NOTE = re.compile(
    r'<li class="source-note" id="source-(\d+)">(.*?)</li>\s*(?=<li class="source-note"|</ol>)',
    re.S,
)


def text_of(html: str) -> str:
    """The visible text, whitespace folded, entities kept as the browser shows them."""
    html = re.sub(r'<span aria-hidden="true">.*?</span>', "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([,.:;)])", r"\1", text).strip()


def refs_in(html: str) -> list[int]:
    """The source numbers referenced in `html`, in order."""
    found = []
    for target, number, _, shown in REF.findall(html):
        assert target == number == shown, "a reference links to another number than it shows"
        found.append(int(number))
    return found


def source_notes(html: str) -> dict[int, str]:
    """The page's sources list: number → the item's HTML (passages included)."""
    listed = html.split('<section class="page-sources"', 1)
    assert len(listed) == 2, "the page has no sources list"
    notes = {int(n): body for n, body in NOTE.findall(listed[1])}
    assert list(notes) == list(range(1, len(notes) + 1)), "sources are not numbered 1, 2, 3…"
    return notes


def source_line(note_html: str) -> str:
    """The line naming a source (outlet, title, kind, date, relays), without its passages."""
    return text_of(note_html.split("<details", 1)[0])


def cited_by(fragment: str, html: str) -> list[str]:
    """The lines of the sources that the references in `fragment` (part of page `html`) link to."""
    notes = source_notes(html)
    return [source_line(notes[n]) for n in refs_in(fragment)]


def sources_behind(fragment: str, html: str) -> str:
    """The text of the sources (with their passages) that the references in `fragment` link
    to, each once: what a reader finds by following the fragment's footnotes."""
    notes = source_notes(html)
    return " ".join(text_of(notes[n]) for n in dict.fromkeys(refs_in(fragment)))


def notes_behind(fragment: str, html: str) -> str:
    """The HTML of the sources list items that the references in `fragment` link to."""
    notes = source_notes(html)
    return "".join(notes[n] for n in dict.fromkeys(refs_in(fragment)))
