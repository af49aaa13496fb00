"""Real servers on 127.0.0.1 for the delivery tests: a webhook receiver and an SMTP server.

The webhook server answers each path from a script (a list of statuses, the
last one repeated), records every request, and can speak TLS with a
certificate made for the test. The SMTP server is aiosmtpd, with a user and
password when asked and STARTTLS when given a certificate.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .conftest import run_cli
from .fake_trackers import POLL

AS_OF = "2026-11-20"  # the delivery tests' as-of


@dataclass
class Received:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Webhooks:
    """``script[path]``: (status, extra headers) answered in turn, the last one repeated."""

    base: str
    script: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def hits(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


@contextmanager
def webhook_server(cert: tuple[Path, Path] | None = None) -> Iterator[Webhooks]:
    lock = threading.Lock()
    hooks = Webhooks(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server asks for
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                seen = len(hooks.hits(self.path))
                hooks.received.append(Received(self.path, body, dict(self.headers.items())))
                steps = hooks.script.get(self.path, [(200, {})])
                status, extra = steps[min(seen, len(steps) - 1)]
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    hooks.base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        server.shutdown()
        server.server_close()


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl), and its key."""
    from .conftest import need_tool

    openssl = need_tool(shutil.which("openssl"), "the openssl command", "openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def smtp_server(
    *, login: tuple[str, str] | None = None, cert: tuple[Path, Path] | None = None
) -> Iterator[Mailbox]:
    """aiosmtpd on 127.0.0.1: every message parsed back with ``email``."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = Mailbox("127.0.0.1", 0)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            box.messages.append(parsed)
            box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        if not isinstance(data, LoginPassword) or login is None:
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        box.logins.append(given)
        return AuthResult(success=given == login, handled=False)

    class OnAnyPort(Controller):
        def _trigger_server(self) -> None:
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    options: dict[str, Any] = {}
    if login is not None:
        options |= {"authenticator": authenticator, "auth_require_tls": cert is not None}
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        options |= {"tls_context": context, "require_starttls": True}
    controller = OnAnyPort(Handler(), hostname="127.0.0.1", port=0, **options)
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


def okrbsc(
    repo: Path,
    *args: str,
    env: dict[str, str],
    run: Callable[..., subprocess.CompletedProcess[str]] = run_cli,
) -> subprocess.CompletedProcess[str]:
    """okrbsc on ``repo`` at ``AS_OF``, with ``env`` (the channels' URLs) added to a
    bare environment: a subprocess, or by ``run`` (conftest's in_process)."""
    command = [*args, "--repo", str(repo), "--as-of", AS_OF]
    return run(*command, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **env})
