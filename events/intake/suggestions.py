"""What intake suggests: one thing found in the article, tied to its span."""

from dataclasses import asdict, dataclass, field

__all__ = ["KINDS", "Suggestion"]

KINDS = ("statement", "characterisation", "date", "actor", "office", "channel")


@dataclass
class Suggestion:
    """One thing found in the article: `text == article[start:end]`, `value` JSON-ready."""

    kind: str
    text: str
    start: int
    end: int
    value: dict = field(default_factory=dict)
    flag: str = ""

    def as_dict(self) -> dict:
        return asdict(self)
