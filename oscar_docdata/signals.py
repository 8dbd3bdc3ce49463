"""Signals of oscar_docdata, with the old package's names, arguments and senders.

The model signals are sent after the database transaction commits, exactly once per
change. Their ``sender`` is the old package's: ``DocdataOrder`` for
``order_status_changed`` and ``order_updated``, ``DocdataPayment`` for
``payment_added`` and ``payment_updated``, so ``connect(receiver, sender=DocdataOrder)``
works as before. The view signals are sent by the views, ``sender`` being the view class.

oscar_docdata's own receivers (``DOCDATA_OSCAR_RECEIVERS``, on by default) already keep
Oscar's order status, Sources, Transactions and PaymentEvents in step. A shop that
records PaymentEvents in its own receivers of these signals, as the old package's
sandbox did, sets ``DOCDATA_OSCAR_RECEIVERS = False`` or drops its receivers; the system
check ``oscar_docdata.W001`` names receivers that would record things twice.
"""

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger("oscar_docdata")

#: The status of a DocdataOrder changed (sender DocdataOrder). Arguments: ``order``
#: (the DocdataOrder), ``old_status``, ``new_status``.
order_status_changed = Signal()

#: Docdata reported a new payment attempt (sender DocdataPayment). Arguments:
#: ``order``, ``payment`` (the new DocdataPayment).
payment_added = Signal()

#: A known payment attempt changed (sender DocdataPayment). Arguments: ``order``,
#: ``payment``.
payment_updated = Signal()

#: A status report changed the order (sender DocdataOrder); sent once per report, after
#: the signals above. Arguments: ``order``, ``old_status``, ``new_status`` (equal when
#: the status stayed), ``payments_added`` and ``payments_updated`` (tuples of
#: DocdataPayment). New in oscar_docdata: a receiver that keeps other records in step
#: does its work once here instead of once per payment line.
order_updated = Signal()

#: The shopper came back from the payment menu. Arguments: ``request``, ``order``,
#: ``callback`` (SUCCESS, PENDING, CANCELLED or ERROR). A receiver may return an
#: HttpResponse; the first one returned is sent to the shopper instead of the redirect.
return_view_called = Signal()

#: Docdata's update notification was processed. Arguments: ``request``, ``order``.
status_changed_view_called = Signal()


def send_logged(signal: Signal, **kwargs: Any) -> list[tuple[Any, Any]]:
    """Send ``signal`` to every receiver; one that raises is logged, never raised.

    The plugin's signals go out after the change they announce is stored (or, for the
    view signals, while Docdata or the shopper waits): a shop's failing receiver must not
    turn that into an error, nor keep the other receivers from running. Returns the
    (receiver, answer) pairs of the receivers that did not raise.
    """
    name = next((key for key, value in globals().items() if value is signal), repr(signal))
    answers = []
    for receiver, answer in signal.send_robust(**kwargs):
        if isinstance(answer, Exception):
            logger.error(
                "Receiver %s of %s failed: %s",
                getattr(receiver, "__qualname__", receiver), name, answer,
                exc_info=(type(answer), answer, answer.__traceback__),
            )
            continue
        answers.append((receiver, answer))
    return answers
