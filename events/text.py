"""Sentences in pasted text: the one splitter that intake and the editor's pages share.

A sentence ends at . ! ? or … (with any closing quotation marks or brackets) before white space
and a capital or digit, or at a line break. A dot after a title or abbreviation (Mr, Gen., Sept.),
a single initial (J.), a dotted acronym (U.S.) or a short abbreviation in brackets ("(ret.)") does
not end it, and neither does a boundary inside a quotation: "We will not. Ever," he said — is
one sentence.
"""

import bisect
import re
from collections.abc import Iterable

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "adm", "sgt", "sen", "rep",
    "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "prof", "amb", "dept", "ret", "cmdr",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9])|\n+")


def _ends_sentence(text: str, dot_at: int) -> bool:
    """Whether a dot at `dot_at` ends a sentence, judged by the word before it."""
    before = re.search(r"(\S+)$", text[max(0, dot_at - 40) : dot_at])
    token = before.group(1).lstrip("“\"‘'([") if before else ""
    if before and before.group(1).startswith("(") and token.islower() and len(token) <= 4:
        return False  # "Colonel (ret.) Mori": an abbreviation in brackets
    return not (
        token.lower() in ABBREVIATIONS
        or re.fullmatch(r"[A-Z]", token)
        or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token)
    )


class Sentences:
    """The sentence spans of `text`; `quotations` are (start, end) spans no sentence ends in."""

    def __init__(self, text: str, quotations: Iterable[tuple[int, int]] = ()) -> None:
        self.text = text
        quotes = sorted(quotations)
        quote_starts = [start for start, _ in quotes]
        cuts = [0]
        for match in _BOUNDARY.finditer(text):
            if match.group().startswith(".") and not _ends_sentence(text, match.start()):
                continue
            cut = match.end()
            index = bisect.bisect_left(quote_starts, cut) - 1  # the last quotation before it
            if index >= 0 and cut < quotes[index][1]:
                continue
            cuts.append(cut)
        self.spans: list[tuple[int, int]] = []
        for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                self.spans.append((start, end))
        self.starts = [start for start, _ in self.spans]

    def index(self, position: int) -> int:
        """The sentence that holds `position` (the first when before any)."""
        return max(bisect.bisect_right(self.starts, position) - 1, 0)

    def span(self, index: int) -> tuple[int, int]:
        return self.spans[index] if 0 <= index < len(self.spans) else (0, 0)

    def around(self, start: int, end: int) -> str:
        """The whole sentence(s) holding text[start:end]: the passage a citation quotes."""
        if not self.spans:
            return ""
        first = self.span(self.index(start))
        last = self.span(self.index(max(start, end - 1)))
        return self.text[first[0] : last[1]].strip()
