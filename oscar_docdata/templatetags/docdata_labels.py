"""Readable labels of Docdata's codes in templates.

``{% load docdata_labels %}`` then ``{{ payment.status|docdata_label:"payment" }}``.

Tables: payment, line, confidence, order, request, kind, and method (a payment method's
name: ``{{ payment.payment_method|docdata_label:"method" }}``; see
:mod:`oscar_docdata.labels`).
"""

from __future__ import annotations

from django import template

from oscar_docdata import labels

register = template.Library()


@register.filter
def docdata_label(code: object, table: str) -> str:
    """The label of ``code`` in ``table``; the code itself when it has none."""
    return labels.label(table, code)
