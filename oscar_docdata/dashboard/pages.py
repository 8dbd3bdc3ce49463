"""What the dashboard's pages share: the orders a user may see, URL names in the
namespace a page was reached through, permissions, and template names (a shop's
template under the old package's name is used before ours)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.generic.base import ContextMixin, TemplateResponseMixin
from oscar.core.loading import get_model
from oscar.views.decorators import check_permissions

from oscar_docdata.dashboard.apps import serving_config
from oscar_docdata.models import DocdataOrder
from oscar_docdata.querysets import DocdataOrderQuerySet

APP_LABEL = "oscar_docdata_dashboard"


def docdata_orders_for_user(user: Any) -> DocdataOrderQuerySet:
    """The Docdata orders ``user`` may see, as Oscar's order dashboard decides.

    Staff see every order; other users (partner dashboard access) the Docdata orders
    of Oscar orders with at least one line of a partner they belong to.
    """
    queryset = DocdataOrder.objects.all()
    if user.is_staff:
        return queryset
    order_model = get_model("order", "Order")
    numbers = order_model._default_manager.filter(lines__partner__users=user).values("number")
    return queryset.filter(order_number__in=numbers)


def namespaced(request: HttpRequest, name: str) -> str:
    """URL name ``name`` in the application namespace ``request`` was resolved in.

    Reverse it with ``current_app=request.resolver_match.namespace`` (as ``{% url %}``
    does) to stay in the same instance.
    """
    match = getattr(request, "resolver_match", None)
    app_name = match.app_name if match is not None else APP_LABEL
    return f"{app_name}:{name}" if app_name else name


def may(user: Any, url_name: str) -> bool:
    """Whether ``user`` passes the dashboard permissions of view ``url_name``."""
    return check_permissions(user, serving_config().get_permissions(url_name))


class DashboardPageMixin(TemplateResponseMixin, ContextMixin):
    """Template names and URL names shared by the dashboard's pages."""

    request: HttpRequest
    #: The old package's template name: a shop's override of it is used first.
    old_template_name: str | None = None

    def get_template_names(self) -> list[str]:
        names = list(super().get_template_names())
        return [self.old_template_name, *names] if self.old_template_name else names

    def url_name(self, name: str) -> str:
        """``name`` in the URL namespace of the current request."""
        return namespaced(self.request, name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # For {% url docdata_url_prefix|add:"docdata-order-detail" pk=… %} in templates.
        context["docdata_url_prefix"] = self.url_name("")
        return context
