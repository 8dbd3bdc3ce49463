"""The Docdata orders dashboard, an Oscar 4 dashboard app.

Install ``"oscar_docdata.dashboard"``, mount
``apps.get_app_config("oscar_docdata_dashboard").urls`` (e.g. at
``dashboard/docdata/``) and add the navigation entry, see docs/operations.rst. Shops written
for django-oscar-docdata keep ``include(application.urls)`` from
``oscar_docdata.dashboard.app`` (the same URLs, without a namespace).
"""
