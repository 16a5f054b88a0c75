"""`backstretch serve`: the local web app, on this computer only unless told otherwise."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import webbrowser
from typing import Annotated

import typer

from backstretch import settings
from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import err, fail, out
from backstretch.optional import CLINIC, require
from backstretch.store.database import database_url

NETWORK_WARNING = (
    "Warning: listening on {host} lets other devices on the network open backstretch, and it has no login: anyone "
    "who can reach this computer can read and change your health data. Use --host 127.0.0.1 to keep it to this "
    "computer."
)


def is_loopback(host: str) -> bool:
    """Whether an address to listen on keeps the app to this computer (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # another name: it may resolve to any address
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it to this computer.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the app in your web browser.")] = False,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            help="Clinic mode: accounts for clinicians and their "
            "patients, everyone signs in (see `backstretch admin`).",
        ),
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="App processes (clinic mode on PostgreSQL).")] = 1,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name people open the app by (this computer's own names always work), or the "
            "address it is served at, such as https://clinic.example; give it once per name.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Start the web app (the main way to use backstretch) over your local database."""
    import uvicorn  # imported here: the other commands do not need the web stack

    from backstretch.web.app import create_app, tune_garbage_collector

    hosts = [host, *(allow_host or [])]

    if multi_user:
        require(CLINIC)  # accounts need the clinic extra's password hashing
    try:
        with socket.create_server((host, port)):
            pass  # only a probe: a clear message beats uvicorn's traceback when the port is taken
    except OSError as error:
        raise fail(f"cannot listen on {host}:{port} ({error.strerror}); try another --port") from None
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if workers > 1:
        resolved = database_url(db)
        if resolved.startswith("sqlite"):
            raise fail("more than one worker needs PostgreSQL (--db postgresql+psycopg://...): each worker is a "
                       "process of its own, and they must share one database server")  # fmt: skip
        # Each worker builds its own app from the environment (uvicorn starts them from an import string).
        os.environ[settings.variable("database_url")] = resolved
        os.environ[settings.variable("multi_user")] = "1" if multi_user else "0"
        os.environ[settings.variable("allowed_hosts")] = ",".join(hosts)
        create_app(resolved, multi_user, hosts)  # migrate once, here, before the workers start
    announce(url, host, multi_user, open_browser)
    if not allow_host and not is_loopback(host):
        out.print(f"Other devices reach it at {host} only: to use a name, add --allow-host and the name.",
                  markup=False, highlight=False)  # fmt: skip
    if workers > 1:
        serve_workers("backstretch.web.app:app_from_environment", host, port, workers)
    else:
        app = create_app(db, multi_user, hosts)
        tune_garbage_collector()
        # No proxy headers: uvicorn would believe X-Forwarded-For from anything on this computer, which would choose
        # the address the login limits count by. (Behind a proxy, run uvicorn with --forwarded-allow-ips.)
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def announce(url: str, host: str, multi_user: bool, open_browser: bool) -> None:
    out.print(f"backstretch is running at [bold]{url}[/] (Ctrl-C stops it).")
    if not is_loopback(host) and not multi_user:
        err.print(NETWORK_WARNING.format(host=host), style="bold yellow", markup=False)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()


def serve_workers(app: str, host: str, port: int, workers: int) -> None:
    """uvicorn's own multi-process supervisor, handed a listening socket made as TCP.

    uvicorn's `workers=N` makes the socket with protocol 0, so asyncio leaves Nagle's algorithm on for every
    connection and each keep-alive request after the first waits for the client's delayed ACK (uvicorn issue
    #3149), which costs tens of milliseconds a request."""
    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    config = Config(app, host=host, port=port, workers=workers, factory=True, log_level="warning",
                    proxy_headers=False)  # fmt: skip
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    Multiprocess(config, sockets=[listener]).run()
