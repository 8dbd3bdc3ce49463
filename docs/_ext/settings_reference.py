"""The ``docdata-settings`` directive: a table of settings rendered from their definitions.

::

    .. docdata-settings:: oscar_docdata.appsettings.SETTINGS

renders one row per ``oscar_docdata.appsettings.Setting`` of that sequence (name, default,
description), so the settings reference is the code's and cannot drift from it.
"""

from __future__ import annotations

import importlib

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def import_object(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def python_text(value) -> str:
    """A value as a shop writes it in settings.py (strings in double quotes)."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        items = (f"{python_text(key)}: {python_text(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(python_text(item) for item in value) + "]"
    return repr(value)


def default_text(setting) -> str:
    if setting.fallback and setting.default is None:
        return f"``{setting.fallback}``"
    return f"``{python_text(setting.default)}``"


class SettingsTable(SphinxDirective):
    required_arguments = 1
    option_spec = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        settings = import_object(self.arguments[0])
        caption = self.options.get("caption", "")
        lines = [
            f".. list-table:: {caption}".rstrip(),
            "   :header-rows: 1",
            "   :widths: 30 20 50",
            "",
            "   * - Setting",
            "     - Default",
            "     - Meaning",
        ]
        for setting in settings:
            lines += [
                f"   * - .. _setting-{setting.name}:",
                "",
                f"       ``{setting.name}``",
                f"     - {default_text(setting)}",
                f"     - {' '.join(setting.doc.split())}",
            ]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.arguments[0]), self.content_offset,
                                container)
        return container.children


def setup(app):
    app.add_directive("docdata-settings", SettingsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
