"""Signals of oscar_docdata, with the old package's names and arguments.

The model signals are sent after the database transaction commits, exactly once per
change; ``sender`` is the Interface (or Facade) class in use. The view signals are sent
by the views, ``sender`` being the view class.
"""

from django.dispatch import Signal

#: The status of a DocdataOrder changed. Arguments: ``order`` (the DocdataOrder),
#: ``old_status``, ``new_status``.
order_status_changed = Signal()

#: Docdata reported a new payment attempt. Arguments: ``order``, ``payment``
#: (the new DocdataPayment).
payment_added = Signal()

#: A known payment attempt changed. Arguments: ``order``, ``payment``.
payment_updated = Signal()

#: A status report changed the order; sent once per report, after the signals above.
#: Arguments: ``order``, ``old_status``, ``new_status`` (equal when the status stayed),
#: ``payments_added`` and ``payments_updated`` (tuples of DocdataPayment). New in
#: oscar_docdata: a receiver that keeps other records in step does its work once here
#: instead of once per payment line.
order_updated = Signal()

#: The shopper came back from the payment menu. Arguments: ``request``, ``order``,
#: ``callback`` (SUCCESS, PENDING, CANCELLED or ERROR). A receiver may return an
#: HttpResponse; the first one returned is sent to the shopper instead of the redirect.
return_view_called = Signal()

#: Docdata's update notification was processed. Arguments: ``request``, ``order``.
status_changed_view_called = Signal()
