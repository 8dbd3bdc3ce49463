"""The facade the shop configured (``DOCDATA_FACADE_CLASS``), found by name.

The facade class is imported by its dotted name when asked for, so that models,
operations and views reach the shop's facade without importing the Oscar adapter
(which imports them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from oscar_docdata.appsettings import docdata_settings

if TYPE_CHECKING:  # for the annotations only: the interface imports the models
    from oscar_docdata.interface import Interface


def get_facade_class() -> type[Interface]:
    """The class named by ``DOCDATA_FACADE_CLASS``."""
    return import_string(docdata_settings.DOCDATA_FACADE_CLASS)


def get_facade(*args: Any, **kwargs: Any) -> Interface:
    """An instance of the class named by ``DOCDATA_FACADE_CLASS`` (default Facade)."""
    return get_facade_class()(*args, **kwargs)
