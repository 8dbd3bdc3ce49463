"""``docdata_simulate ORDER_KEY ACTION``: a later event on a simulated order."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oscar_docdata.simulator import actions, engine, notifications
from oscar_docdata.simulator.conf import sim_settings
from oscar_docdata.simulator.models import NotificationAttempt


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise CommandError(f"--amount {value!r} is not an amount (e.g. 12.50)") from None
    if not amount.is_finite() or amount <= 0:
        raise CommandError(f"--amount {value!r} must be a positive amount")
    return amount


class Command(BaseCommand):
    help = (
        "Simulate a later event on an order of the Docdata simulator: "
        + ", ".join(actions.ACTIONS)
        + ". capture and refund are what a merchant does in Docdata's Back Office: they "
        "are CAPTURED at once. settle-pending, fail-pending and cancel-pending end the "
        "NEW/STARTED captures and refunds requested over SOAP (--reference: only those "
        "with this merchant reference). The merchant's update URL is notified as Docdata "
        "would."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("order_key", help="the order's 32-character payment order key")
        parser.add_argument("action", choices=actions.ACTIONS)
        parser.add_argument("--amount", type=_amount,
                            help="in major units of the currency, e.g. 12.50 (default: all)")
        parser.add_argument("--method", help="payment method, e.g. IDEAL, VISA, BANK_TRANSFER")
        parser.add_argument("--reference",
                            help="*-pending actions: the merchantCaptureReference or "
                            "merchantRefundReference of the line(s) (default: all pending)")
        parser.add_argument("--reason", help="fail-pending: the reason reported")
        parser.add_argument("--wait", type=float, default=30.0,
                            help="seconds to wait for the notification to be delivered")

    def handle(self, *args, **options) -> None:
        key = options["order_key"].strip().upper()
        last = NotificationAttempt.objects.order_by("-id").values_list("id", flat=True).first()
        method = options["method"].strip().upper() if options["method"] else None
        try:
            message = actions.perform(key, options["action"], amount=options["amount"],
                                     method=method, reference=options["reference"],
                                     reason=options["reason"])
        except engine.SimulationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(message))
        if sim_settings.DOCDATA_SIMULATOR_NOTIFY == "thread" and not \
                notifications.wait_until_idle(options["wait"]):
            self.stdout.write(self.style.WARNING(
                "The notification is still being retried; it stops when this command exits."))
        for attempt in NotificationAttempt.objects.filter(order_key=key, id__gt=last or 0):
            answer = (f"HTTP {attempt.status_code}" if attempt.status_code is not None
                      else attempt.error)
            self.stdout.write(f"Notification #{attempt.attempt} {attempt.url}: {answer}")
