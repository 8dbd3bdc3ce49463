"""The package's two gettext catalogues, and Django's makemessages run for each of them.

``oscar_docdata/locale`` holds the strings of the whole package except the simulator;
``oscar_docdata/simulator/locale`` holds the simulator's, including its templates in
``templates/oscar_docdata/simulator/`` (which makemessages, run in place, would put in
the package's catalogue). So each catalogue's source files are copied, with their paths
relative to the package, into a scratch directory and makemessages runs there.

Regenerate both catalogues (then translate the new entries and compile them)::

    PYTHONPATH=. DJANGO_SETTINGS_MODULE=tests.settings python -m tests.translations.catalogues
    cd oscar_docdata && django-admin compilemessages
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.management import call_command

import oscar_docdata

PACKAGE_DIR = Path(oscar_docdata.__file__).resolve().parent
#: The files makemessages reads (its default extensions).
EXTENSIONS = (".py", ".html", ".txt")
LANGUAGES = ("nl", "en")
SIMULATOR_PARTS = (
    PurePosixPath("simulator"),
    PurePosixPath("templates/oscar_docdata/simulator"),
)


def _in_simulator(path: PurePosixPath) -> bool:
    return any(path.is_relative_to(part) for part in SIMULATOR_PARTS)


@dataclass(frozen=True)
class Catalogue:
    name: str
    #: The locale directory, relative to the package.
    locale: PurePosixPath
    simulator: bool

    @property
    def locale_dir(self) -> Path:
        return PACKAGE_DIR / self.locale

    def po_path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / "django.po"

    def mo_path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / "django.mo"

    def source_files(self) -> list[PurePosixPath]:
        """The package's files, relative to it, whose strings belong to this catalogue."""
        found = []
        for path in PACKAGE_DIR.rglob("*"):
            relative = PurePosixPath(path.relative_to(PACKAGE_DIR).as_posix())
            if (
                path.is_file()
                and path.suffix in EXTENSIONS
                and "locale" not in relative.parts
                and "__pycache__" not in relative.parts
                and _in_simulator(relative) == self.simulator
            ):
                found.append(relative)
        return sorted(found)


PACKAGE = Catalogue("oscar_docdata", PurePosixPath("locale"), simulator=False)
SIMULATOR = Catalogue("oscar_docdata.simulator", PurePosixPath("simulator/locale"), simulator=True)
CATALOGUES = (PACKAGE, SIMULATOR)


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def stage(catalogue: Catalogue, root: Path, *, with_po: bool) -> None:
    """Copy ``catalogue``'s source files (and, ``with_po``, its .po files) into ``root``."""
    for relative in catalogue.source_files():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE_DIR / relative, target)
    (root / "locale").mkdir(exist_ok=True)
    if with_po:
        for language in LANGUAGES:
            source = catalogue.po_path(language)
            if source.exists():
                target = root / "locale" / language / "LC_MESSAGES" / "django.po"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


def make_messages(root: Path, languages: tuple[str, ...], **options) -> None:
    """Django's makemessages in ``root`` (so the references are relative to the package)."""
    with _working_directory(root):
        call_command("makemessages", locale=list(languages), verbosity=0, **options)


def extract(catalogue: Catalogue, scratch: Path) -> Path:
    """A new, untranslated Dutch .po of ``catalogue``'s current sources, made in ``scratch``.

    (Not the .pot: its "nplurals=INTEGER" header is a placeholder no parser accepts.)
    """
    stage(catalogue, scratch, with_po=False)
    make_messages(scratch, ("nl",))
    return scratch / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def regenerate(catalogue: Catalogue) -> None:
    """Merge the current sources into ``catalogue``'s .po files (obsolete entries go)."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        stage(catalogue, root, with_po=True)
        make_messages(root, LANGUAGES, no_obsolete=True)
        for language in LANGUAGES:
            target = catalogue.po_path(language)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "locale" / language / "LC_MESSAGES" / "django.po", target)


if __name__ == "__main__":
    import sys

    import django

    django.setup()
    for each in CATALOGUES:
        regenerate(each)
        sys.stdout.write(f"{each.name}: {each.po_path('nl')}\n")
