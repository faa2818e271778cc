"""Progress for long management commands: one line per phase on stderr — rows done of the total,
rows per second and the time left.

On a terminal the line is redrawn in place a few times a second; into a file or a pipe a line is
written every few seconds instead, so logs stay readable. Nothing is written when the progress
is disabled (commands disable it at `--verbosity 0`).

    progress = Progress(sys.stderr, enabled=verbosity >= 1)
    with progress.phase("statements", total=300_000) as bar:
        for chunk in chunks:
            ...
            bar.advance(len(chunk))
"""

import time
from typing import TextIO

from django.core.management.base import OutputWrapper

BAR_WIDTH = 24
REDRAW_EVERY = 0.2  # seconds between redraws on a terminal
LOG_EVERY = 5.0  # seconds between lines when not on a terminal


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Phase:
    """One phase's bar; use through `Progress.phase`."""

    def __init__(self, progress: "Progress", label: str, total: int):
        self.progress = progress
        self.label = label
        self.total = max(0, total)
        self.done = 0
        self.started = time.monotonic()
        # On a terminal the bar shows at once; in a log the first line comes after LOG_EVERY.
        self._drawn_at = 0.0 if progress.tty else self.started

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        now = time.monotonic()
        interval = REDRAW_EVERY if self.progress.tty else LOG_EVERY
        if now - self._drawn_at >= interval:
            self._drawn_at = now
            self.progress._draw(self._line(now))

    def rate(self, now: float | None = None) -> float:
        elapsed = (now or time.monotonic()) - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def _line(self, now: float) -> str:
        rate = self.rate(now)
        shown = min(self.done, self.total) if self.total else self.done
        if self.total:
            filled = int(BAR_WIDTH * shown / self.total)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            left = _duration((self.total - shown) / rate) if rate > 0 else "?"
            return (
                f"{self.label:<16} [{bar}] {shown:>9,}/{self.total:,}  "
                f"{rate:>9,.0f} rows/s  {left} left"
            )
        return f"{self.label:<16} {shown:>9,} rows  {rate:>9,.0f} rows/s"

    def close(self) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        self.progress._finish(
            f"{self.label:<16} {self.done:>9,} rows in {elapsed:.1f} s "
            f"({self.rate(now):,.0f} rows/s)"
        )

    def __enter__(self) -> "Phase":
        if self.progress.tty:
            self.progress._draw(self._line(self.started))
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            self.close()
        else:
            self.progress._finish("")


class Phase0(Phase):
    """A phase that draws nothing (progress disabled)."""

    def advance(self, rows: int = 1) -> None:
        self.done += rows

    def close(self) -> None:
        pass

    def __enter__(self) -> "Phase":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        pass


class Progress:
    """Where and whether progress is shown."""

    def __init__(
        self, stream: TextIO | OutputWrapper, *, enabled: bool = True, tty: bool | None = None
    ):
        self.stream = stream
        self.enabled = enabled
        if tty is None:
            isatty = getattr(stream, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty
        self._width = 0

    def phase(self, label: str, total: int) -> Phase:
        """A context manager for one phase of `total` rows."""
        if not self.enabled:
            return Phase0(self, label, total)
        return Phase(self, label, total)

    def note(self, message: str) -> None:
        """A one-off line, e.g. for a step without a row count."""
        if self.enabled:
            self._finish(message)

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):  # a command's self.stderr adds line ends
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def _draw(self, line: str) -> None:
        if self.tty:
            padding = " " * max(0, self._width - len(line))
            self._write("\r" + line + padding)
            self._width = len(line)
        else:
            self._write(line + "\n")

    def _finish(self, line: str) -> None:
        if self.tty:
            padding = " " * max(0, self._width - len(line))
            self._write("\r" + line + padding + "\n" if line else "\n")
            self._width = 0
        elif line:
            self._write(line + "\n")
