"""Command-line arguments shared by the plugin's management commands."""

from __future__ import annotations

import argparse

from django.core.management.base import CommandParser

#: Without a terminal (cron, a log file), a progress line every this many orders ...
PROGRESS_EVERY = 1000
#: ... or this many seconds, whichever comes first.
PROGRESS_SECONDS = 30.0

#: --enqueue of the commands that update orders (reconcile and update_docdata_order).
UPDATE_ENQUEUE_HELP = (
    "Enqueue one update task per order (oscar_docdata.tasks.update_order) on the configured "
    "Django Tasks backend instead of updating them here."
)
#: What an old cron line with ``--processes`` is told (the option is otherwise ignored).
PROCESSES_REMOVED = (
    "--processes is deprecated and ignored: the orders are refreshed by --workers threads "
    "in this process. To spread them over processes or machines, use --enqueue with a task "
    "worker (documentation: operations, \"Running the plugin's tasks on a worker\")."
)


def whole_number(text: str, *, at_least: int, too_small: str) -> int:
    """``text`` as an int of at least ``at_least``; ``too_small`` names the refusal."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < at_least:
        raise argparse.ArgumentTypeError(f"{value} {too_small}")
    return value


def positive_int(text: str) -> int:
    return whole_number(text, at_least=1, too_small="is not at least 1")


def non_negative_int(text: str) -> int:
    return whole_number(text, at_least=0, too_small="is negative")


def add_worker_arguments(parser: CommandParser, *, workers: int, enqueue_help: str) -> None:
    """``--workers N`` (threads in this process) and ``--enqueue`` (Django Tasks instead)."""
    parser.add_argument(
        "--workers", type=positive_int, default=workers, metavar="N",
        help=f"At most N Docdata calls at the same time, in threads (default {workers}).",
    )
    parser.add_argument("--enqueue", action="store_true", help=enqueue_help)


def add_progress_arguments(parser: CommandParser) -> None:
    """The options of :class:`Progress`, for the commands that run over many orders."""
    parser.add_argument(
        "--progress-every", type=non_negative_int, default=PROGRESS_EVERY, metavar="N",
        help=f"Without a terminal, print a progress line every N orders (default "
        f"{PROGRESS_EVERY}; 0: by time only).",
    )
    parser.add_argument(
        "--progress-seconds", type=float, default=PROGRESS_SECONDS, metavar="S",
        help=f"Without a terminal, print a progress line at least every S seconds "
        f"(default {PROGRESS_SECONDS:g}; 0: by count only).",
    )
