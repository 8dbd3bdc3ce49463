"""Sphinx configuration of the oscar_docdata documentation.

Build it with ``python -m sphinx -W -b html docs docs/_build`` (``pip install -e ".[docs]"``).
Nothing is fetched from the network: no intersphinx.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path[:0] = [str(ROOT), str(DOCS / "_ext")]

# autodoc imports the package's modules: Django must be set up with the plugin installed.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docs_settings")
django.setup()

import oscar_docdata  # noqa: E402 - after django.setup()

project = "oscar_docdata"
author = "oscar_docdata contributors"
copyright = "oscar_docdata contributors, MIT License"  # noqa: A001 - Sphinx's name
release = oscar_docdata.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "settings_reference",
]

exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
html_theme = "furo"
html_title = f"oscar_docdata {release}"
html_static_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
# The package's own docstrings only: inherited ones (requests', Django's) use references
# this documentation cannot resolve.
autodoc_inherit_docstrings = False
autodoc_default_options = {"show-inheritance": True}
# Docstrings name Django and Oscar classes the documentation does not describe; without
# intersphinx those references cannot resolve, and that is not an error.
nitpicky = False
