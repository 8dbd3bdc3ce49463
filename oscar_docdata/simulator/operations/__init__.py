"""The nine operations of the Order API 1.3, as the simulator answers them.

Each handler gets a :class:`~oscar_docdata.simulator.soap.Call` whose request is
schema-valid and whose merchant is authenticated, runs inside one transaction, and
returns the ``…Success`` element or raises :class:`~oscar_docdata.simulator.soap.RequestErrors`
(REQUEST_DATA_INCORRECT for unknown keys/ids and rules the state does not allow).

One module per concept: :mod:`.create`; :mod:`.start` (with :mod:`.payment_inputs`
and :mod:`.recurring`); :mod:`.proceed`; :mod:`.money` (cancel, capture, refund);
:mod:`.reports` (status, statusExtended, listPaymentMethods). :mod:`.reading` is what
they read from a call, :mod:`.replies` what they answer about a payment.
"""

from __future__ import annotations

from ..soap import Handler
from .create import create
from .money import cancel, capture, refund
from .proceed import proceed
from .reports import list_payment_methods, status, status_extended
from .start import start

__all__ = ["HANDLERS", "cancel", "capture", "create", "list_payment_methods", "proceed",
           "refund", "start", "status", "status_extended"]

#: Operation → its handler (what ``soap.handle`` dispatches to).
HANDLERS: dict[str, Handler] = {
    "create": create,
    "start": start,
    "proceed": proceed,
    "cancel": cancel,
    "capture": capture,
    "refund": refund,
    "status": status,
    "statusExtended": status_extended,
    "listPaymentMethods": list_payment_methods,
}
