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

from django.dispatch import Signal

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
