"""URLs Docdata and the shopper come back to. Mount them, e.g. at ``api/docdata/``."""

urlpatterns: list = []
