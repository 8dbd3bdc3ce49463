"""Prepare the sandbox (migrations, demo data) and serve the shop and the simulator.

``python sandbox/manage.py runsandbox [addrport] [--port PORT] [--simulator-port PORT]
[--noreload]``

The shop is served on PORT (8000) and the Docdata simulator, a process of its own with
its own SQLite file (see ``sandbox/simulator_settings.py``), on PORT + 1. Both are
``runserver`` processes started with ``SANDBOX_HOST``, ``SANDBOX_PORT`` and
``SANDBOX_SIMULATOR_PORT`` in their environment, from which the settings derive where
the shop finds the simulator and the simulator the shop's update URL. With real Docdata
credentials in the environment (see ``sandbox/settings.py``) only the shop is served.
Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sandbox.shop.catalogue import load_all

MANAGE_PY = Path(__file__).resolve().parents[3] / "manage.py"
SIMULATOR_SETTINGS = "sandbox.simulator_settings"
ADDRPORT = re.compile(r"^(?:(?P<addr>\[[0-9a-fA-F:]+\]|[\w.-]+):)?(?P<port>\d+)$")
#: Addresses that mean "every interface": the servers call each other on the loopback one.
WILDCARDS = {"0.0.0.0": "127.0.0.1", "0": "127.0.0.1", "[::]": "[::1]"}  # noqa: S104


def parse_addrport(addrport: str, port: int | None) -> tuple[str, int]:
    """(address, port) from runserver's ``[addr:]port`` syntax; --port wins."""
    address, number = "127.0.0.1", 8000
    if addrport:
        match = ADDRPORT.match(addrport)
        if not match:
            raise CommandError(f"{addrport!r} is not a port or address:port.")
        address = match["addr"] or address
        number = int(match["port"])
    if port is not None:
        number = port
    return address, number


class Command(BaseCommand):
    help = "Migrate, load the demo data, and serve the sandbox shop and its Docdata simulator."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="", help="Optional port or address:port (8000)."
        )
        parser.add_argument("--port", type=int, help="Port of the shop (overrides addrport).")
        parser.add_argument(
            "--simulator-port", type=int, help="Port of the simulator (the shop's port + 1)."
        )
        parser.add_argument(
            "--noreload", action="store_true", help="Don't restart the shop on code changes."
        )

    def handle(self, *args, addrport, port, simulator_port, noreload, **options):
        address, port = parse_addrport(addrport, port)
        simulator_port = simulator_port or port + 1
        own_host = WILDCARDS.get(address, address)
        environment = dict(
            os.environ,
            SANDBOX_HOST=own_host,
            SANDBOX_PORT=str(port),
            SANDBOX_SIMULATOR_PORT=str(simulator_port),
        )
        uses_simulator = not settings.DOCDATA_USES_REAL_SERVICE

        call_command("migrate", interactive=False, verbosity=0)
        email, password = load_all(domain=f"{own_host}:{port}")
        if uses_simulator:
            simulator_environment = dict(environment, DJANGO_SETTINGS_MODULE=SIMULATOR_SETTINGS)
            subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, str(MANAGE_PY), "migrate", "--verbosity=0"],
                env=simulator_environment, check=True,
            )

        shop = f"http://{own_host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Sandbox shop: {shop}"))
        self.stdout.write(f"Dashboard:    {shop}dashboard/  (login {email} / {password})")
        if uses_simulator:
            self.stdout.write(
                f"Payments:     the Docdata simulator, http://{own_host}:{simulator_port}"
                "/docdata-sim/"
            )
        else:
            where = settings.DOCDATA_BASE_URL or (
                "Docdata's test environment" if settings.DOCDATA_TESTING
                else "Docdata's LIVE environment"
            )
            self.stdout.write(f"Payments:     {where}, merchant {settings.DOCDATA_MERCHANT_NAME}")
        self.stdout.flush()

        servers = []
        if uses_simulator:
            servers.append(self.serve(simulator_environment, address, simulator_port, True))
        servers.append(self.serve(environment, address, port, noreload))
        self.wait(servers)

    def serve(self, environment: dict, address: str, port: int, noreload: bool):
        command = [sys.executable, str(MANAGE_PY), "runserver", f"{address}:{port}"]
        if noreload:
            command.append("--noreload")
        # A session of its own: stopping it stops runserver's autoreload child too.
        return subprocess.Popen(command, env=environment, start_new_session=True)  # noqa: S603

    def wait(self, servers: list[subprocess.Popen]) -> None:
        """Until a server stops, Ctrl-C or SIGTERM; then stop every server."""
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        exit_code = 0
        try:
            while all(server.poll() is None for server in servers):
                time.sleep(0.5)
            exit_code = next(server.returncode for server in servers if server.poll() is not None)
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                _stop(server)
        if exit_code:
            raise CommandError(f"A sandbox server stopped with exit status {exit_code}.")


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass
