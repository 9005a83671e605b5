"""A plain progress bar on standard error, drawn only when standard error is a terminal."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """``bar.update(done)`` redraws ``label [#####.....] 50% 500/1000``; ``bar.close()`` ends it."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30):
        self.label, self.total, self.width = label, max(total, 0), width
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last = 0.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < self.total:
            return
        self._last = now
        share = min(done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {share:4.0%} {done}/{self.total} {now - self.started:.0f}s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.total)
            self.stream.write("\n")
            self.stream.flush()
