"""``lunarcity app``: serve the live Solara app (watch the city grow, steer it, teach with it)."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys

from lunarcity.errors import InputError
from lunarcity.resources import viz_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lunarcity app`` and its options (the CLI finds commands by module name)."""
    p = sub.add_parser("app", help="serve the live app in a browser (Solara)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument(
        "--dev",
        action="store_true",
        help="Solara's development mode: reload the page when the app's files change",
    )
    p.set_defaults(func=run)


def solara_command(host: str, port: int, dev: bool = False) -> list[str]:
    """The ``python -m solara run`` command line for the app file in this installation."""
    app = viz_dir() / "app.py"
    if not app.is_file():
        raise InputError(f"the app file is missing: {app}", field="app")
    cmd = [
        sys.executable,
        # Solara warns on every page load over plain http from an address other than
        # "localhost"; the cookie falls back to SameSite=Lax, which is right here.
        "-W",
        "ignore:Cookies with samesite=none:UserWarning",
        "-m",
        "solara",
        "run",
        str(app),
        "--host",
        host,
        "--port",
        str(port),
    ]
    if not dev:
        # No file watcher or reloader: the app may live inside site-packages, and a classroom
        # does not edit it.
        cmd.append("--production")
    return cmd


def solara_env() -> dict[str, str]:
    """The environment the server runs in: works from a wheel installed anywhere, offline."""
    env = dict(os.environ)
    # The same interpreter as this command, and never a `lunarcity` folder that happens to be the
    # working directory: the server imports the package this command came from.
    env["PYTHONSAFEPATH"] = "1"
    # Solara serves its page assets itself (solara-assets ships them): nothing from the internet.
    # (Its default; a stray setting that sends the browser to a CDN instead is undone here.)
    env.pop("SOLARA_ASSETS_PROXY", None)
    # No "This website runs on Solara" badge over the page, and the app's name while it loads.
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    env.setdefault("SOLARA_THEME_TITLE", "LunarCity")
    # Matplotlib (the materials view) draws off-screen.
    env.setdefault("MPLBACKEND", "Agg")
    return env


#: Addresses that only this machine can reach.
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` lets other machines reach the app, which has no login."""
    if host in LOOPBACK or host.startswith("127."):
        return None
    return (
        f"lunarcity: warning: --host {host} serves the app beyond this machine, and the app has "
        "no login: anyone who can reach this address can use it and run simulations on this "
        "computer (use --host 127.0.0.1 to keep it local)\n"
    )


def check_address(host: str, port: int) -> None:
    """Refuse a host that is no address here, or a port already taken, before saying "serving".

    The web server would find out only after Solara has loaded (8-16 s), and after this command
    had said it serves; a trial bind (with SO_REUSEADDR, as the server binds) finds out at once.

    Raises:
        InputError: naming --host or --port and why.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(
            f"'{host}' is not an address this machine knows ({exc})",
            field="--host",
            valid="an address of this machine, e.g. 127.0.0.1 or 0.0.0.0",
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as trial:
        trial.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            trial.bind(address)
        except OSError as exc:
            taken = exc.errno == errno.EADDRINUSE
            raise InputError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                field="--port" if taken else "--host",
                valid="a free port, or 0 to pick one" if taken else "an address of this machine",
            ) from None


def run(args: argparse.Namespace) -> int:
    """Handle ``lunarcity app``: serve the live app in a browser.

    Returns:
        The exit code: 0 when done; bad input raises InputError (exit 2, one line).
    """
    if not 0 <= args.port <= 65535:
        raise InputError(f"port {args.port} is out of range", field="--port", valid="0 to 65535")
    cmd = solara_command(args.host, args.port, args.dev)
    check_address(args.host, args.port)
    warning = exposure_warning(args.host)
    if warning:
        sys.stderr.write(warning)
    sys.stderr.write(
        f"lunarcity: serving the app on http://{args.host}:{args.port} (Ctrl-C stops)\n"
    )
    sys.stderr.flush()
    env = solara_env()
    if os.name == "posix":
        # Become the server: a SIGTERM (kill, systemd, a container stop) reaches Solara itself,
        # where a wrapper process would exit and leave the server serving.
        sys.stdout.flush()
        os.execve(cmd[0], cmd, env)
    try:  # elsewhere (Windows) there is no exec: wait for the server, and stop it with us
        with subprocess.Popen(cmd, env=env) as server:
            try:
                return server.wait()
            except BaseException:
                server.terminate()
                server.wait(timeout=10)
                raise
    except KeyboardInterrupt:
        return 0
