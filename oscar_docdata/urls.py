"""URLs Docdata and the shopper come back to. Mount them, e.g. at ``api/docdata/``.

The names are not namespaced, as in the old package: ``order_status_update`` (set
``<this URL>?order_id=`` as the update URL in Docdata's Back Office) and ``return_url``.
"""

from django.urls import path

from oscar_docdata import views

urlpatterns = [
    path(
        "update_order/",
        views.StatusChangedNotificationView.as_view(),
        name="order_status_update",
    ),
    path("return/", views.OrderReturnView.as_view(), name="return_url"),
]
