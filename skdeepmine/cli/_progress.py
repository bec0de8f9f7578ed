"""Progress lines on the terminal while the report is made."""

import sys
import time


class Progress:
    """Numbered steps, indented items and (on a terminal) a live status line.

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file, default=sys.stdout
        Where progress goes; errors go to stderr, so a failing run prints
        only its error there.
    quiet : bool, default=False
        Print nothing.
    """

    def __init__(self, total, *, stream=None, quiet=False):
        self.total = total
        self.stream = sys.stdout if stream is None else stream
        self.quiet = quiet
        self.number = 0
        self.started = time.perf_counter()
        self.stages = []  # [step message, seconds], in order
        self._live = False
        isatty = getattr(self.stream, "isatty", None)
        self.interactive = bool(isatty and isatty())

    def _write(self, text):
        if self.quiet:
            return
        if self._live:
            self.stream.write("\r\033[K")  # clear the live status line
            self._live = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _close_stage(self):
        if self.stages and self.stages[-1][1] is None:
            self.stages[-1][1] = time.perf_counter() - self._stage_started

    def step(self, message):
        """Start the next numbered step (and time it)."""
        self._close_stage()
        self.number += 1
        self.stages.append([message, None])
        self._stage_started = time.perf_counter()
        self._write(f"[{self.number}/{self.total}] {message}")

    def item(self, message, *, seconds=None):
        """A result within the current step."""
        suffix = "" if seconds is None else f" ({seconds:.1f} s)"
        self._write(f"      {message}{suffix}")

    def update(self, message):
        """Transient status (only on a terminal; logs get the results only)."""
        if self.quiet or not self.interactive:
            return
        self.stream.write(f"\r\033[K      {message} ...")
        self.stream.flush()
        self._live = True

    def done(self, message):
        """The final line, with the time of each step."""
        self._close_stage()
        elapsed = time.perf_counter() - self.started
        stages = ", ".join(f"[{n}] {seconds:.1f} s" for n, (_, seconds)
                           in enumerate(self.stages, start=1))
        self._write(f"{message} ({elapsed:.0f} s" + (f": {stages})" if stages else ")"))


def mined_item(progress, report, started):
    """The item closing a mining step: how many findings, the strongest, the time."""
    progress.item(
        f"{len(report)} findings; strongest: {report.found[0].title}"
        if len(report) else "nothing stood out",
        seconds=time.perf_counter() - started,
    )
