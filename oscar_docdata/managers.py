"""The old package's module path of the DocdataOrder manager and queryset.

They live in :mod:`oscar_docdata.querysets`; this module keeps
``from oscar_docdata.managers import DocdataOrderManager`` working.
"""

from oscar_docdata.querysets import DocdataOrderManager, DocdataOrderQuerySet

__all__ = ["DocdataOrderManager", "DocdataOrderQuerySet"]
