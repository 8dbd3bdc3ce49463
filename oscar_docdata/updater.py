"""Applies a status report to the database: order totals, payment lines, history, signals.

``apply_report`` must run inside a transaction holding the DocdataOrder's row lock
(``select_for_update``), so that two processes never both see and announce the same
change. It writes only what changed: a report that changes nothing performs no write
and sends no signal. Signals are sent after the transaction commits, with the old
package's senders (see :mod:`oscar_docdata.signals`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from oscar_docdata import money_requests, signals
from oscar_docdata.gateway.results import StatusReport
from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.status_engine import (
    TOTAL_FIELDS,
    EngineSettings,
    OrderState,
    PaymentValues,
    evaluate,
)

logger = logging.getLogger("oscar_docdata")

StatusHook = Callable[[DocdataOrder, str, str], None]


@dataclass
class StatusUpdate:
    """What applying one report changed."""

    order: DocdataOrder
    old_status: str
    new_status: str
    order_fields: list[str] = field(default_factory=list)
    payments_added: list[DocdataPayment] = field(default_factory=list)
    payments_updated: list[DocdataPayment] = field(default_factory=list)
    #: Recorded captures and refunds whose state this report changed.
    requests_settled: list[Any] = field(default_factory=list)

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def changed(self) -> bool:
        return bool(self.order_fields or self.payments_added or self.payments_updated)


def apply_report(
    order: DocdataOrder,
    report: StatusReport,
    *,
    trigger: str,
    user: Any = None,
    note: str = "",
    intended_status: str | None = None,
    status_hook: StatusHook | None = None,
    now: datetime | None = None,
) -> StatusUpdate:
    """Apply ``report`` to the locked ``order``; see the module docstring."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_report() must run inside transaction.atomic()")
    outcome = evaluate(
        report,
        OrderState(
            status=order.status,
            currency=order.currency.upper(),
            total_gross_amount=order.total_gross_amount,
            created=order.created,
            order_key=order.order_key,
        ),
        EngineSettings.from_settings(),
        now=now or timezone.now(),
        intended_status=intended_status,
    )
    update = StatusUpdate(order=order, old_status=order.status, new_status=outcome.status)
    # Payment lines first: a receiver of order_status_changed sees them stored.
    _write_payments(order, outcome.payments, update)
    # Captures and refunds we asked for take the state their report lines show.
    update.requests_settled = money_requests.reconcile(order, outcome.payments, now=now)
    _write_order(order, outcome.totals, update)
    if update.status_changed:
        _record_status_change(update, trigger=trigger, user=user, note=note)
        if status_hook is not None:
            status_hook(order, update.old_status, update.new_status)
    if update.changed:
        transaction.on_commit(partial(announce, update))
    return update


def _write_payments(order: DocdataOrder, reported: tuple[PaymentValues, ...],
                    update: StatusUpdate) -> None:
    """Insert the new payment lines and write what changed in the stored ones."""
    existing = {
        payment.payment_id: payment
        for payment in DocdataPayment.objects.filter(
            payment_id__in=[values.payment_id for values in reported]
        )
    }
    new_payments: list[DocdataPayment] = []
    changed_fields: set[str] = set()
    for values in reported:
        payment = existing.get(values.payment_id)
        if payment is None:
            new_payments.append(
                DocdataPayment(
                    docdata_order=order, payment_id=values.payment_id, **values.as_fields()
                )
            )
        elif payment.docdata_order_id != order.pk:
            logger.error(
                "Docdata payment %s is reported for order %s but stored for another order",
                values.payment_id, order.order_key,
            )
        else:
            changed = [name for name, value in values.as_fields().items()
                       if getattr(payment, name) != value]
            for name in changed:
                setattr(payment, name, getattr(values, name))
            if changed:
                changed_fields.update(changed)
                update.payments_updated.append(payment)
    # One INSERT for all new lines: a first report of many attempts stays cheap.
    if new_payments:
        update.payments_added = DocdataPayment.objects.bulk_create(new_payments)
    if update.payments_updated:
        _save_payments(update.payments_updated, sorted(changed_fields))


def _write_order(order: DocdataOrder, totals: dict[str, Decimal], update: StatusUpdate) -> None:
    """Write the totals and the status that changed (nothing when none did)."""
    for name, value in totals.items():
        if getattr(order, name) != value:
            setattr(order, name, value)
            update.order_fields.append(name)
    if update.status_changed:
        order.status = update.new_status
        update.order_fields.append("status")
    if update.order_fields:
        order.save(update_fields=[*update.order_fields, "updated"])


def _record_status_change(update: StatusUpdate, *, trigger: str, user: Any,
                          note: str) -> None:
    DocdataStatusChange.objects.create(
        docdata_order=update.order,
        old_status=update.old_status,
        new_status=update.new_status,
        trigger=trigger,
        user=user if getattr(user, "is_authenticated", False) else None,
        note=note,
    )
    logger.info(
        "Docdata order %s: status %s → %s (%s)",
        update.order.order_key, update.old_status, update.new_status, trigger,
    )


def _save_payments(payments: list[DocdataPayment], fields: list[str]) -> None:
    """Write ``fields`` (and ``updated``) of changed payment lines.

    One line: ``save()``. More: one parametrised UPDATE sent with ``executemany``
    (psycopg pipelines it), values prepared by each field as ``save()`` would; Django's
    ``bulk_update`` (CASE … WHEN per field and row) costs more CPU than it saves.
    """
    if len(payments) == 1:
        payments[0].save(update_fields=[*fields, "updated"])
        return
    now = timezone.now()
    concrete = {field.name: field for field in DocdataPayment._meta.concrete_fields}
    model_fields = [concrete[name] for name in [*fields, "updated"]]
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in model_fields)
    # Identifiers come from the model's metadata (quoted); every value is a parameter.
    sql = (
        f"UPDATE {quote(DocdataPayment._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(DocdataPayment._meta.pk.column)} = %s"
    )
    rows = []
    for payment in payments:
        payment.updated = now
        rows.append([
            *(field.get_db_prep_save(getattr(payment, field.attname), connection)
              for field in model_fields),
            payment.pk,
        ])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def announce(update: StatusUpdate) -> None:
    """Send the signals of one committed update, in order, each receiver guarded.

    One ``payment_added`` per new line, one ``payment_updated`` per changed line (sender
    DocdataPayment), then ``order_status_changed`` when the status changed, and last
    ``order_updated`` once (sender DocdataOrder; receivers that keep other records in step
    do their work once per update there).
    """
    # The change is committed: a failing receiver must not turn the notification into an
    # error (Docdata would retry, find nothing new, and the other receivers would miss it).
    send = signals.send_logged
    order = update.order
    for payment in update.payments_added:
        send(signals.payment_added, sender=DocdataPayment, order=order, payment=payment)
    for payment in update.payments_updated:
        send(signals.payment_updated, sender=DocdataPayment, order=order, payment=payment)
    if update.status_changed:
        send(signals.order_status_changed, sender=DocdataOrder, order=order,
             old_status=update.old_status, new_status=update.new_status)
    send(signals.order_updated, sender=DocdataOrder, order=order,
         old_status=update.old_status, new_status=update.new_status,
         payments_added=tuple(update.payments_added),
         payments_updated=tuple(update.payments_updated))


def copy_state(source: DocdataOrder, target: DocdataOrder) -> None:
    """Give ``target`` (the caller's instance) the values of the updated ``source``."""
    if source is target:
        return
    for name in ("status", "updated", "status_report_pulled",
                 *(name for name, _attr in TOTAL_FIELDS)):
        setattr(target, name, getattr(source, name))
