"""The Oscar adapter: everything that knows Django Oscar (the Interface does not).

- ``facade``: the Oscar-aware Interface (users, addresses, baskets → Docdata orders);
- ``values``: Oscar's addresses and baskets as Docdata's value objects;
- ``receivers``: Oscar's order, Source, Transactions and PaymentEvents kept in step
  with Docdata (``payments``, ``sources``, ``status``, ``stock``, ``emails``, ``basket``);
- the checkout: ``mixins``, ``forms``, ``views`` and their settings (``conf``).

``DocdataPaymentDetailsMixin`` goes in front of Oscar's ``PaymentDetailsView`` in a forked
checkout app; ``oscar_docdata.oscar_adapter.views.PaymentDetailsView`` is that combination,
ready to use. Import this package after Django's app registry is ready (as a forked
checkout's views module is).
"""

from oscar_docdata.oscar_adapter.mixins import DocdataPaymentDetailsMixin

__all__ = ["DocdataPaymentDetailsMixin"]
