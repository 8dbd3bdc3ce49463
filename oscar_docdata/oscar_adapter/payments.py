"""Oscar's payment records kept in step with a Docdata order.

``sync_payments`` makes the Oscar order's records match what Docdata last reported.
It compares states, not events, so running it again (for every signal, from two
processes, after a missed signal) never records anything twice:

- the Source's amounts: allocated = authorized by the acquirer (acquirer pending +
  acquirer approved; a bank transfer the shopper has yet to make allocates nothing),
  debited = captured, refunded = refunded + charged back (Oscar's Source has no
  chargeback column; the Transactions tell the two apart);
- the Source's label (Oscar's "customer-friendly label"): the names of the methods the
  money came with (``"iDEAL"``, ``"Visa, iDEAL"``), in the shopper's language (the
  Docdata order's), once a payment authorized or captured money;
- one Transaction per Docdata payment event: "Authorise" per authorized payment,
  "Debit" per capture, "Refund" per refund, "Chargeback" per chargeback, referenced
  ``<payment id>``, ``<payment id>:capture:<n>`` … (n counts the payment's captures
  in Docdata's order), with Docdata's status;
- PaymentEvents: "Paid" once money was received (with every order line), "Refunded" and
  "Charged back" for each increase of those totals (amount only: Docdata does not say
  which lines), "Cancelled" when the Docdata order is cancelled or expired (every line).

Amounts are in the order's currency, except a Transaction of a payment made in another
currency, which carries that payment's own amount and says its currency in ``status``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from oscar.core.loading import get_model

from oscar_docdata import status as statuses
from oscar_docdata.methods import method_name
from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.oscar_adapter.sources import source_for

PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")
PaymentEventType = get_model("order", "PaymentEventType")
Transaction = get_model("payment", "Transaction")

AUTHORISE, DEBIT, REFUND = Transaction.AUTHORISE, Transaction.DEBIT, Transaction.REFUND
CHARGEBACK = "Chargeback"

PAID, REFUNDED, CHARGED_BACK, CANCELLED = "Paid", "Refunded", "Charged back", "Cancelled"

SOURCE_LABEL_LENGTH = get_model("payment", "Source")._meta.get_field("label").max_length

#: (key in DocdataPayment.lines, Transaction type, the Docdata status that counts).
LINE_KINDS = (
    ("captures", DEBIT, "CAPTURED"),
    ("refunds", REFUND, "CAPTURED"),
    ("chargebacks", CHARGEBACK, "CHARGED"),
)


@dataclass
class PaymentSync:
    """What one sync recorded."""

    source_changed: bool = False
    transactions: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    @property
    def paid_event(self) -> Any | None:
        return next((e for e in self.events if e.event_type.name == PAID), None)


def sync_payments(order: Any, docdata_order: DocdataOrder, source: Any = None) -> PaymentSync:
    """Bring ``order``'s Source, Transactions and PaymentEvents in step.

    Runs in the caller's transaction, which should hold the order's row lock.
    ``source``: the order's Source for ``docdata_order`` when the caller has read it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sync_payments() must run inside transaction.atomic()")
    payments = list(docdata_order.payments.all())
    amounts: dict[str, Any] = dict(source_amounts(docdata_order))
    label = source_label(docdata_order, payments)
    if label:
        amounts["label"] = label
    created = False
    if source is None:
        source, created = source_for(order, docdata_order, **amounts)
    sync = PaymentSync()
    sync.source_changed = created or update_source_amounts(source, amounts)
    # A Source created now has no Transactions yet: nothing to read.
    sync.transactions = record_transactions(source, payments,
                                            recorded=set() if created else None)
    sync.events = record_payment_events(order, docdata_order)
    return sync


def source_amounts(docdata_order: DocdataOrder) -> dict[str, Decimal]:
    """The Source's amount fields for what Docdata reported."""
    return {
        "amount_allocated": docdata_order.total_acquirer_pending
        + docdata_order.total_acquirer_approved,
        "amount_debited": docdata_order.total_captured,
        "amount_refunded": docdata_order.total_refunded + docdata_order.total_charged_back,
    }


def source_label(docdata_order: DocdataOrder, payments: Iterable[DocdataPayment]) -> str:
    """The names of the methods of the payments that authorized or captured money, in
    the order's language; "" while none did (the label is then left as it is)."""
    codes = dict.fromkeys(
        payment.payment_method for payment in payments
        if payment.payment_method and (payment.amount_allocated > 0 or payment.amount_debited > 0)
    )
    if not codes:
        return ""
    with translation.override(docdata_order.language or settings.LANGUAGE_CODE):
        text = ", ".join(method_name(code) for code in codes)
    return text[:SOURCE_LABEL_LENGTH]


def update_source_amounts(source: Any, amounts: dict[str, Decimal]) -> bool:
    """Save the amounts that changed (only those fields); whether any did."""
    changed = [name for name, value in amounts.items() if getattr(source, name) != value]
    for name in changed:
        setattr(source, name, amounts[name])
    if changed:
        source.save(update_fields=changed)
    return bool(changed)


def payment_transactions(payment: DocdataPayment, currency: str) -> list[dict[str, Any]]:
    """The Transactions one Docdata payment line stands for."""
    def status(value: str) -> str:
        if payment.currency and payment.currency != currency:
            return f"{value} ({payment.currency})"
        return value

    rows = []
    if payment.amount_allocated > 0:
        rows.append({
            "txn_type": AUTHORISE,
            "amount": payment.amount_allocated,
            "reference": payment.display_id,
            "status": status(payment.status),
        })
    lines = payment.lines or {}
    for kind, txn_type, counted in LINE_KINDS:
        for number, line in enumerate(lines.get(kind) or (), start=1):
            line_status = str(line.get("status") or "").upper()
            if line_status != counted:
                continue
            rows.append({
                "txn_type": txn_type,
                "amount": Decimal(str(line.get("amount") or 0)),
                "reference": f"{payment.display_id}:{kind[:-1]}:{number}",
                "status": status(line_status),
            })
    return rows


def record_transactions(
    source: Any, payments: Any, recorded: set[tuple[str, str]] | None = None
) -> list[Any]:
    """Create the Transactions not recorded yet, in one INSERT (``bulk_create``).

    ``recorded``: the (type, reference) pairs already recorded, when the caller knows
    them; read from the database otherwise.
    """
    existing = (set(source.transactions.values_list("txn_type", "reference"))
                if recorded is None else set(recorded))
    new = []
    for payment in payments:
        for row in payment_transactions(payment, source.currency):
            if (row["txn_type"], row["reference"]) in existing:
                continue
            new.append(Transaction(source=source, **row))
            existing.add((row["txn_type"], row["reference"]))
    return Transaction.objects.bulk_create(new) if new else []


def record_payment_events(order: Any, docdata_order: DocdataOrder) -> list[Any]:
    recorded: dict[str, Decimal] = defaultdict(Decimal)
    for name, amount in PaymentEvent.objects.filter(
        order=order, reference=docdata_order.order_key
    ).values_list("event_type__name", "amount"):
        recorded[name] += amount
    seen = set(recorded)

    created = []
    status = docdata_order.status
    if status in statuses.SETTLED and PAID not in seen:
        received = docdata_order.total_captured or docdata_order.total_gross_amount
        created.append(add_event(order, PAID, received, docdata_order, all_lines=True))
    for name, total in (
        (REFUNDED, docdata_order.total_refunded),
        (CHARGED_BACK, docdata_order.total_charged_back),
    ):
        increase = total - recorded[name]
        if increase > 0:
            created.append(add_event(order, name, increase, docdata_order))
    if status in statuses.CLOSED and CANCELLED not in seen:
        created.append(
            add_event(order, CANCELLED, docdata_order.total_gross_amount, docdata_order,
                      all_lines=True)
        )
    return created


def add_event(
    order: Any, name: str, amount: Decimal, docdata_order: DocdataOrder, *,
    all_lines: bool = False,
) -> Any:
    event_type, _created = PaymentEventType.objects.get_or_create(name=name)
    event = PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=amount, reference=docdata_order.order_key
    )
    if all_lines:
        PaymentEventQuantity.objects.bulk_create(
            PaymentEventQuantity(event=event, line=line, quantity=line.quantity)
            for line in order.lines.all()
        )
    return event
