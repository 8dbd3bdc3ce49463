"""Project hygiene that CI must enforce: committed migrations, a clean ruff, packaging."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_are_committed():
    # --check exits non-zero when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.prefix) / "bin/ruff").exists(),
                    reason="ruff is not installed (pip install -e '.[test]' installs it)")
def test_ruff_is_clean():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_distribution_is_the_old_packages_name_as_version_2_under_mit():
    """Shops upgrade with ``pip install -U django-oscar-docdata``; the license agrees."""
    from importlib.metadata import distribution

    import oscar_docdata

    dist = distribution("django-oscar-docdata")
    assert dist.metadata["Name"] == "django-oscar-docdata"
    assert dist.version == oscar_docdata.__version__
    assert dist.version.startswith("2.")
    assert dist.metadata["License"] == "MIT"
    assert "License :: OSI Approved :: MIT License" in dist.metadata.get_all("Classifier")
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    readme = (ROOT / "README.rst").read_text()
    assert "pip install django-oscar-docdata" in readme
    assert "pip install oscar-docdata" not in readme
