"""Upgrade tests: a database in django-oscar-docdata 1.x's schema, then ``migrate``.

Each test rebuilds the old tables (``old_schema.build_old_database``); whatever happens,
the teardown brings the database back to today's schema for the rest of the suite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from oscar_docdata.testing.fixtures import docdata_simulator
from tests.operations.conftest import docdata_dashboard, staff_client, staff_user

__all__ = ["docdata_dashboard", "docdata_simulator", "staff_client", "staff_user"]


@pytest.fixture
def upgrade_db(transactional_db: None) -> Iterator[None]:
    """A transactional database that is at today's schema again after the test."""
    yield
    call_command("migrate", "oscar_docdata", verbosity=0)
