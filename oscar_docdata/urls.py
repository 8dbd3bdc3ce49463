"""URLs Docdata and the shopper come back to. Mount them, e.g. at ``api/docdata/``.

The names are not namespaced, as in the old package: ``order_status_update`` (set
``<this URL>?order_id=`` as the update URL in Docdata's Back Office; the old package
named it ``status_changed``, which reverses to the same URL) and ``return_url``.
"""

from django.urls import path

from oscar_docdata import views

status_changed_view = views.StatusChangedNotificationView.as_view()

urlpatterns = [
    path("update_order/", status_changed_view, name="order_status_update"),
    # The old package's name of the same URL; the pattern above resolves first.
    path("update_order/", status_changed_view, name="status_changed"),
    path("return/", views.OrderReturnView.as_view(), name="return_url"),
]
