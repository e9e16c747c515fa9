"""A paginator that never counts a million rows: exact up to a cap, then an estimate."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts exactly up to COUNT_CAP rows; above that asks PostgreSQL's planner.

    The queue's first page must not pay for COUNT(*) over every inquiry. Up to the cap a
    count is cheap (it stops at cap + 1 rows); past it, nobody needs the exact figure, so
    the page says "about 123,000" from EXPLAIN's row estimate.
    """

    COUNT_CAP = 10_000
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list.order_by()
        capped = queryset[: self.COUNT_CAP + 1].count()
        if capped <= self.COUNT_CAP:
            return capped
        self.estimated = True
        return max(self.COUNT_CAP + 1, self._planner_estimate(queryset))

    @staticmethod
    def _planner_estimate(queryset):
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        plan = json.loads(queryset.values("pk").explain(format="json"))
        if isinstance(plan, list):
            plan = plan[0]
        return int(plan["Plan"]["Plan Rows"])
