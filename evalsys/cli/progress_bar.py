"""The commands' progress bar: tqdm's, on standard error, drawn only when that is a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


class ProgressBar:
    """``bar.update(done)`` moves the bar to ``done`` of ``total``; ``bar.close()`` ends it."""

    def __init__(self, label: str, total: int | None, *, stream=None):
        stream = stream if stream is not None else sys.stderr
        self._bar = tqdm(
            total=total,
            desc=label,
            file=stream,
            disable=not getattr(stream, "isatty", lambda: False)(),
            mininterval=0.1,
            dynamic_ncols=True,
        )

    def update(self, done: int) -> None:
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar.total is not None:
            self.update(self._bar.total)
        self._bar.close()
