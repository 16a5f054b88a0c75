"""`backstretch serve`: the local web app, on this computer only unless told otherwise."""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from typing import Annotated

import typer

from backstretch.cli.plan import DbOption
from backstretch.cli.stretches import err, fail, out

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
    db: DbOption = None,
) -> None:
    """Start the web app (the main way to use backstretch) over your local database."""
    import uvicorn  # imported here: the other commands do not need the web stack

    from backstretch.web.app import create_app

    try:
        with socket.create_server((host, port)):
            pass  # only a probe: a clear message beats uvicorn's traceback when the port is taken
    except OSError as error:
        raise fail(f"cannot listen on {host}:{port} ({error.strerror}); try another --port") from None
    app = create_app(db)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    out.print(f"backstretch is running at [bold]{url}[/] (Ctrl-C stops it).")
    if not is_loopback(host):
        err.print(NETWORK_WARNING.format(host=host), style="bold yellow", markup=False)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
