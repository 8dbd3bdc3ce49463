"""A paginator for the staff lists that never counts or orders a whole large table.

Counting every matching row costs as much as reading them: on a table of 100,000
orders that is most of a page's time. The lists read the ids of at most
:data:`COUNT_LIMIT` + 1 matching rows, in the list's order, and say "more than" beyond;
narrowing the search or the dates reaches the rest.

The page itself is then fetched by those ids. Asked for "the first 20 in date order"
of a search, PostgreSQL may walk the date index hoping to meet matches early, and with
few matches it walks all of it; asked for up to 1,001 it collects the matches through
their own indexes and sorts them.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

#: How many matching rows a list counts at most (50 pages of 20).
COUNT_LIMIT = 1000


class CappedCountPaginator(Paginator):
    """Counts at most ``count_limit`` rows; ``capped`` says that more match."""

    count_limit = COUNT_LIMIT

    @cached_property
    def _ids(self) -> list[Any] | None:
        """The primary keys of the first ``count_limit`` + 1 rows (None: not a queryset)."""
        if not hasattr(self.object_list, "values_list"):
            return None
        return list(self.object_list.values_list("pk", flat=True)[: self.count_limit + 1])

    @cached_property
    def count(self) -> int:
        if self._ids is None:
            return len(self.object_list)
        return min(len(self._ids), self.count_limit)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._ids is not None and len(self._ids) > self.count_limit

    def page(self, number: Any) -> Page:
        page = super().page(number)
        if self._ids is not None:
            ids = self._ids[max(page.start_index() - 1, 0):page.end_index()]
            queryset: Any = self.object_list  # a queryset: _ids says so
            page.object_list = queryset.filter(pk__in=ids)
        return page
