"""Browsing the catalogue straight from the database.

Oscar's catalogue and category pages search through Haystack, and Haystack's simple
backend (the sandbox needs no search server) finds nothing for them. These views list
the same products with Oscar's templates; search keeps using Oscar's own view.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


class CatalogueView(ListView):
    template_name = "sandbox/browse.html"
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_queryset(self):
        return Product.objects.browsable().base_queryset().order_by("title")

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class CategoryView(CatalogueView):
    template_name = "sandbox/category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        categories = self.category.get_descendants_and_self()
        return super().get_queryset().filter(categories__in=categories).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(category=self.category, summary=self.category.name)
        return context
