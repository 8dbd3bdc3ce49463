"""Every setting the package reads is defined with a default and a description.

The documentation's settings reference (``docs/settings.rst``) is rendered from
``oscar_docdata.appsettings.SETTINGS`` and ``oscar_docdata.simulator.conf.SETTINGS``; this
test keeps those complete: a ``DOCDATA_*`` setting read anywhere in the package without an
entry there fails here, naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from oscar_docdata import appsettings
from oscar_docdata.simulator import conf as simulator_conf

PACKAGE = Path(appsettings.__file__).resolve().parent

# How the package reads its settings: through the settings objects, Django's settings
# or the old module attributes, by attribute or by name.
READS = (
    re.compile(r"\b(?:docdata_settings|sim_settings|settings|appsettings)\.(DOCDATA_[A-Z0-9_]+)"),
    re.compile(r"getattr\(\s*\w+,\s*[\"'](DOCDATA_[A-Z0-9_]+)[\"']"),
    # Names in quotes: override_settings keywords, checks and views naming settings.
    re.compile(r"[\"'](DOCDATA_[A-Z0-9_]+)[\"']"),
)

DEFINED = {
    setting.name: setting
    for setting in (*appsettings.SETTINGS, *appsettings.LEGACY_SETTINGS, *simulator_conf.SETTINGS)
}


def settings_read_by_the_package() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            for name in pattern.findall(text):
                found.setdefault(name, set()).add(str(path.relative_to(PACKAGE.parent)))
    return found


def test_the_search_finds_the_settings():
    found = settings_read_by_the_package()
    # The scan works: settings read in the usual ways are found.
    assert {"DOCDATA_MERCHANT_NAME", "DOCDATA_TIMEOUT", "DOCDATA_SIMULATOR_SETTLE_SECONDS",
            "DOCDATA_SUCCESS_URL"} <= set(found)


def test_every_setting_read_is_defined():
    undefined = {
        name: sorted(files) for name, files in settings_read_by_the_package().items()
        if name not in DEFINED
    }
    assert not undefined, (
        "settings read but not defined in oscar_docdata.appsettings.SETTINGS (or the "
        f"simulator's oscar_docdata.simulator.conf.SETTINGS): {undefined}"
    )


def test_every_setting_has_a_description():
    for setting in DEFINED.values():
        assert setting.doc.strip(), f"{setting.name} has no description"
        assert setting.doc.rstrip().endswith((".", ")")), (
            f"{setting.name}: the description should be whole sentences"
        )


def test_names_are_unique_and_fallbacks_exist():
    names = [s.name for s in (*appsettings.SETTINGS, *simulator_conf.SETTINGS)]
    assert len(names) == len(set(names))
    for setting in appsettings.SETTINGS:
        if setting.fallback:
            assert setting.fallback in appsettings.DEFAULTS, setting.name


def test_the_derived_tables_agree_with_the_definitions():
    assert appsettings.DEFAULTS == {s.name: s.default for s in appsettings.SETTINGS}
    assert appsettings.FALLBACKS == {
        "DOCDATA_SUCCESS_URL": "DOCDATA_REDIRECT_URL",
        "DOCDATA_PENDING_URL": "DOCDATA_REDIRECT_URL",
    }
    assert simulator_conf.DEFAULTS == {s.name: s.default for s in simulator_conf.SETTINGS}
