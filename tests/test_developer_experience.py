"""What a developer reads and runs: README's commands, skip reasons, no machine paths."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tracked_files() -> list[Path]:
    try:
        names = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True,  # noqa: S607
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if ".venv" not in p.parts]
    return [ROOT / name for name in names if (ROOT / name).is_file()]


def test_skip_reasons_name_the_variable_readme_names():
    """README and runtests.py say DOCDATA_TEST_POSTGRES; DOCDATA_TEST_DATABASE is what
    runtests.py sets for each run, so telling people to set it does nothing."""
    readme = (ROOT / "README.rst").read_text(encoding="utf-8")
    assert "DOCDATA_TEST_POSTGRES" in readme
    wrong = "DOCDATA_TEST_DATABASE" + "=postgres"  # split: this file is not an offender
    offenders = [
        str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("*.py")
        if wrong in path.read_text(encoding="utf-8")
    ]
    assert not offenders


def test_the_sandbox_command_does_not_install_the_test_extra():
    readme = (ROOT / "README.rst").read_text(encoding="utf-8")
    sandbox = next(line for line in readme.splitlines() if "runsandbox" in line)
    assert '".[sandbox]"' in sandbox and "[test]" not in sandbox
    # The test command uses another environment, so running it leaves the sandbox alone.
    tests = next(line for line in readme.splitlines() if "runtests.py" in line)
    venv = re.search(r"-m venv (\S+)", sandbox).group(1)
    assert f"{venv}/" not in tests
    smoke = (ROOT / "sandbox" / "smoke_check.sh").read_text(encoding="utf-8")
    assert sandbox.strip() in smoke


def test_no_paths_of_one_machine():
    pattern = re.compile(r"(?<![\w.])/(?:work|root|home)/")
    found = []
    for path in tracked_files():
        if path.suffix in {".mo", ".png", ".jpg", ".sqlite3"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1)
                  if pattern.search(line)]
    assert not found
