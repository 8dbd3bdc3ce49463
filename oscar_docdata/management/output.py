"""Console output shared by the plugin's management commands."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oscar_docdata.management.arguments import PROGRESS_EVERY, PROGRESS_SECONDS
from oscar_docdata.operations.refresh import OrderResult, Outcome, RefreshSummary


class Progress:
    """Progress of a run, as ``on_result(result, done)`` of ``run_tasks``.

    On a terminal one line is rewritten in place. Elsewhere (cron, a log) a line is
    printed every ``every`` orders or ``seconds`` seconds, so that a long run shows it is
    alive. At verbosity 2 each updated order is printed as it comes (the summary keeps
    only counts and failures).
    """

    def __init__(
        self, command: BaseCommand, total: int, *, verbosity: int = 1,
        every: int = PROGRESS_EVERY, seconds: float = PROGRESS_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.command, self.total, self.verbosity = command, total, verbosity
        self.every, self.seconds, self.clock = every, seconds, clock
        self.tty = command.stdout.isatty()
        self.counts = dict.fromkeys(Outcome, 0)
        self.shown_done, self.shown_at = 0, clock()

    @classmethod
    def for_options(cls, command: BaseCommand, total: int, options: dict[str, Any]) -> Progress:
        return cls(command, total, verbosity=options["verbosity"],
                   every=options.get("progress_every", PROGRESS_EVERY),
                   seconds=options.get("progress_seconds", PROGRESS_SECONDS))

    def line(self, done: int) -> str:
        return (
            f"{done}/{self.total} orders: {self.counts[Outcome.UPDATED]} updated, "
            f"{self.counts[Outcome.UNCHANGED]} unchanged, {self.counts[Outcome.FAILED]} failed"
        )

    def __call__(self, result: OrderResult, done: int) -> None:
        self.counts[result.outcome] += 1
        if self.verbosity < 1:
            return
        stdout = self.command.stdout
        if self.verbosity >= 2 and result.outcome == Outcome.UPDATED:
            # On a terminal it replaces the progress line, which is written again below.
            start = "\r" if self.tty else ""
            stdout.write(f"{start}updated: {result.label} → {result.status}")
        if self.tty:
            stdout.write("\r" + self.line(done), ending="\n" if done == self.total else "")
            stdout.flush()
            return
        now = self.clock()
        if (self.every and done - self.shown_done >= self.every) or (
                self.seconds and now - self.shown_at >= self.seconds):
            stdout.write(self.line(done))
            stdout.flush()
            self.shown_done, self.shown_at = done, now


def write_summary(command: BaseCommand, summary: RefreshSummary, *, verbosity: int = 1) -> None:
    """Print the counts and each failure's reason (always, on stderr).

    Raises CommandError (exit status 1) when some order failed.
    """
    failed = summary.counts[Outcome.FAILED]
    if verbosity >= 1:
        command.stdout.write(
            f"Updated: {summary.counts[Outcome.UPDATED]}, "
            f"unchanged: {summary.counts[Outcome.UNCHANGED]}, failed: {failed}"
        )
    for result in summary.failed:
        command.stderr.write(f"failed: {result.label}: {result.reason}")
    if failed > len(summary.failed):
        command.stderr.write(f"… and {failed - len(summary.failed)} more failed orders")
    if failed:
        raise CommandError(f"{failed} of {summary.total} orders failed")
