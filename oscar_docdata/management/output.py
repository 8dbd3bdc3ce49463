"""Console output shared by the plugin's management commands."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from oscar_docdata.operations.refresh import OrderResult, RefreshSummary


def progress_printer(
    command: BaseCommand, *, verbosity: int = 1
) -> Callable[[OrderResult, int, int], None] | None:
    """A progress line rewritten in place, only when the output is a terminal."""
    if verbosity < 1 or not command.stdout.isatty():
        return None
    counts = {"updated": 0, "unchanged": 0, "failed": 0}

    def show(result: OrderResult, done: int, total: int) -> None:
        counts[result.outcome.value] += 1
        line = (
            f"\r{done}/{total} orders: {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
        )
        command.stdout.write(line, ending="\n" if done == total else "")
        command.stdout.flush()

    return show


def write_summary(command: BaseCommand, summary: RefreshSummary, *, verbosity: int = 1) -> None:
    """Print the counts, each failure's reason (always, on stderr), and at verbosity 2
    every updated order.

    Raises CommandError (exit status 1) when some order failed.
    """
    if verbosity >= 2:
        for result in summary.updated:
            command.stdout.write(f"updated: {result.label} → {result.status}")
    if verbosity >= 1:
        command.stdout.write(
            f"Updated: {len(summary.updated)}, unchanged: {len(summary.unchanged)}, "
            f"failed: {len(summary.failed)}"
        )
    for result in summary.failed:
        command.stderr.write(f"failed: {result.label}: {result.reason}")
    if summary.failed:
        raise CommandError(f"{len(summary.failed)} of {len(summary.results)} orders failed")
