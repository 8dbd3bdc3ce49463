#!/usr/bin/env python
"""Django's command-line utility for the sandbox shop.

``python sandbox/manage.py runsandbox`` prepares the database and the demo data and
serves the shop on http://127.0.0.1:8000/.
"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # The sandbox is a package of the repository: make ``import sandbox`` work from
    # any working directory without installing it.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
