"""The Docdata simulator in a process of its own, for bench_reconcile.py (not a benchmark).

``python benchmarks/simulator_server.py PORT [LATENCY] [PROCESSES]`` serves the test
shop's URLs (the simulator under ``/docdata-sim/``) with Django's threaded WSGI server on
127.0.0.1:PORT, using the database named by BENCH_DB_NAME on PostgreSQL, every status
call answered after LATENCY seconds (default 0.1), and no notifications. With PROCESSES
> 1 (default 1) that many forked processes accept on the same socket, as a pre-forking
server would; one Python process answers on one core at a time.
"""

from __future__ import annotations

import os
import signal
import sys

from common import setup_django


def main(port: int, latency: float, processes: int) -> None:
    setup_django(postgres=True)

    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    settings.DOCDATA_SIMULATOR_FAULTS = {"status": {"mode": "latency", "seconds": latency}}
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    # Keep each request thread's connection, as a production server would: a new
    # PostgreSQL connection per request costs more CPU than the status call itself.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 60

    class Server(ThreadedWSGIServer):
        request_queue_size = 256  # many workers connect at once

    class QuietHandler(WSGIRequestHandler):
        # Headers and body go out in separate writes: with Nagle's algorithm on, the
        # body waits for the client's delayed ACK (~40 ms on Linux) on every reply.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = Server(("127.0.0.1", port), QuietHandler)
    server.set_app(get_wsgi_application())
    connections.close_all()  # each process opens its own
    children = []
    for _ in range(processes - 1):
        pid = os.fork()
        if pid == 0:  # a child: serve until terminated
            server.serve_forever()
            os._exit(0)
        children.append(pid)

    def stop(*_args: object) -> None:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.1,
         int(sys.argv[3]) if len(sys.argv) > 3 else 1)
