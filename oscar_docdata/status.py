"""A Docdata order's status: the ten statuses and their named groups.

The status engine (:mod:`oscar_docdata.status_engine`) derives the status from a
Docdata status report as the specification in ``docs/status-rules.rst`` says; here
are the statuses it decides between and the groups the rest of the plugin asks
about (``status.SETTLED``, ``status.FINAL`` …).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """A Docdata order's status: the one definition of the ten strings (stored as they
    are, the old package's values)."""

    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    PAID_REFUNDED = "paid_refunded", _("Paid, part refunded")
    REFUNDED = "refunded", _("Refunded")
    CHARGED_BACK = "charged_back", _("Charged back")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    UNKNOWN = "unknown", _("Unknown")


NEW, IN_PROGRESS, PENDING = Status.NEW, Status.IN_PROGRESS, Status.PENDING
PAID, PAID_REFUNDED, REFUNDED = Status.PAID, Status.PAID_REFUNDED, Status.REFUNDED
CHARGED_BACK, CANCELLED, EXPIRED = Status.CHARGED_BACK, Status.CANCELLED, Status.EXPIRED
UNKNOWN = Status.UNKNOWN

# --- groups of statuses ---------------------------------------------------------------

#: The money was received at some point (paid, refunded afterwards or charged back).
SETTLED: frozenset[str] = frozenset({PAID, PAID_REFUNDED, REFUNDED, CHARGED_BACK})
#: Ended without money: cancelled or expired.
CLOSED: frozenset[str] = frozenset({CANCELLED, EXPIRED})
#: Nothing more will happen by itself: reconciliation skips these.
FINAL: frozenset[str] = SETTLED | CLOSED
#: No money on its way yet: such an order may expire by age.
UNPAID_OPEN: frozenset[str] = frozenset({NEW, IN_PROGRESS})
#: A returning shopper may cancel these: no money on its way. (``cancelled`` too: its
#: attempts were cancelled in the menu, but the order itself is still open at Docdata and
#: could be paid later from the same menu link.)
SHOPPER_CANCELLABLE: frozenset[str] = UNPAID_OPEN | {CANCELLED}
#: Docdata can still cancel these: nothing was paid yet (or a payment is under way).
CANCELLABLE_AT_DOCDATA: frozenset[str] = UNPAID_OPEN | {PENDING}
#: Paid and not (wholly) refunded: the order confirmation e-mail goes out.
CONFIRMED: frozenset[str] = frozenset({PAID, PAID_REFUNDED})
