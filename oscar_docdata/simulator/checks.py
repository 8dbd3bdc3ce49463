"""The simulator's system check: installed, but neither DEBUG nor explicitly enabled.

Registered by the app's ``ready()`` (so it runs only where the simulator is installed).
Messages of checks are not translated in this project.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error

from .conf import sim_settings


def check_simulator_gate(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """An Error when the simulator is installed with DEBUG off and not enabled.

    Its URLs are 404s then (see ``gate``), so either it was left installed in a
    production settings file, or a test or staging setup forgot to enable it.
    """
    if not apps.is_installed("oscar_docdata.simulator"):
        return []
    if app_configs is not None and not any(
            config.name == "oscar_docdata.simulator" for config in app_configs):
        return []
    if settings.DEBUG or sim_settings.DOCDATA_SIMULATOR_ENABLED:
        return []
    return [Error(
        "The Docdata simulator (oscar_docdata.simulator) is installed with DEBUG off and "
        "DOCDATA_SIMULATOR_ENABLED not set: every simulator URL answers 404.",
        hint="In production remove 'oscar_docdata.simulator' from INSTALLED_APPS and its "
        "URLs from the URLconf: the simulator marks orders paid on request. Where you do "
        "want it without DEBUG (tests, a staging shop that must not reach Docdata), set "
        "DOCDATA_SIMULATOR_ENABLED = True.",
        id="docdata_simulator.E001",
    )]
