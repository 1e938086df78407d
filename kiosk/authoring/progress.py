"""Progress lines for long builds, so a coach can see the computer is working and how far it is.

On a terminal one line is redrawn as a bar ("[#####.....] 12/40 step 12: speech (de)"); when the
output goes to a file or a pipe (a log, CI, tests) each item gets its own plain line instead
("step 12/40: speech (de)"), because carriage returns make logs unreadable.
"""

from __future__ import annotations

import sys
from typing import TextIO

_BAR_WIDTH = 24


class Progress:
    """Reports items of a long job to ``stream`` (stderr by default: stdout stays for results)."""

    def __init__(self, stream: TextIO | None = None, *, bar: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bar = _is_terminal(self.stream) if bar is None else bar
        self._open_line = False

    def step(self, number: int, total: int, what: str) -> None:
        """Item ``number`` of ``total`` has started; ``what`` says what is being made."""
        if self.bar:
            done = int(_BAR_WIDTH * (number - 1) / max(total, 1))
            line = f"\r[{'#' * done}{'.' * (_BAR_WIDTH - done)}] {number}/{total} {what}"
            self.stream.write(line.ljust(78)[:200])
            self._open_line = True
        else:
            self.stream.write(f"step {number}/{total}: {what}\n")
        self.stream.flush()

    def done(self) -> None:
        """End the bar's line, so the next message starts on a line of its own."""
        if self._open_line:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()
            self._open_line = False

    def __call__(self, number: int, total: int, what: str) -> None:
        self.step(number, total, what)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
