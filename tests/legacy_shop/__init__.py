"""A shop integrated the way shops integrated django-oscar-docdata 1.3.3 (issue 13).

Everything here is written against the old package's public API and its README
(urls.py, navigation, settings, the sandbox's facade, checkout view and receivers),
changed only where Oscar 4.2 and Django 5 force it (``path``/``re_path`` instead of
``url``, Oscar's own apps as app configs). The tests check out against the offline
Docdata simulator over real HTTP.
"""
