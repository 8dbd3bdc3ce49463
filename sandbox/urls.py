from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from sandbox.shop import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/docdata/", include("oscar_docdata.urls")),
    path("dashboard/docdata/", apps.get_app_config("oscar_docdata_dashboard").urls),
    # Before Oscar's URLs: browse the catalogue without a search server.
    path("catalogue/", views.CatalogueView.as_view(), name="sandbox-catalogue"),
    path(
        "catalogue/category/<path:category_slug>_<int:pk>/",
        views.CategoryView.as_view(),
        name="sandbox-category",
    ),
    path("", include(apps.get_app_config("oscar").urls[0])),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
