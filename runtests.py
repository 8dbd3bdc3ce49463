#!/usr/bin/env python
"""Run the whole test suite with the project's test settings.

Extra arguments go to pytest. The suite runs on SQLite; when DOCDATA_TEST_POSTGRES
is set (``.ci/run`` sets it after starting PostgreSQL) it runs a second time on
PostgreSQL, where the concurrency tests run instead of being skipped. A run in
which no test executed (pytest's exit status 5) counts as a failure.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_pytest(database: str, args: list[str]) -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings",
               DOCDATA_TEST_DATABASE=database)
    print(f"==> pytest on {database}", flush=True)
    command = [sys.executable, "-m", "pytest", *args]
    code = subprocess.call(command, cwd=HERE, env=env)
    if code == 5:
        print(f"==> no test ran on {database}: that is a failure", flush=True)
        return 1
    return code


def main(argv: list[str]) -> int:
    databases = ["sqlite"]
    if os.environ.get("DOCDATA_TEST_POSTGRES"):
        databases.append("postgres")
    results = {database: run_pytest(database, argv) for database in databases}
    for database, code in results.items():
        print(f"==> {database}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
