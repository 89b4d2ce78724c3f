"""A real SMTP server for the ``cica remind`` tests: aiosmtpd on 127.0.0.1, a random free port.

``Recorder`` is the aiosmtpd handler: it keeps every accepted message (envelope and bytes) and
can misbehave on demand (refuse a recipient, answer DATA with a 4xx/421, be slow, ...).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.toml"


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler that records what it accepts and fails on request."""

    messages: list[Received] = field(default_factory=list)
    #: address -> SMTP reply for its RCPT TO (e.g. "550 5.1.1 no such user")
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    #: n (0-based count of DATA commands that reached the end of data) -> reply instead of 250
    data_replies: dict[int, str] = field(default_factory=dict)
    data_delay: float = 0.0
    #: called (in the server thread) when a message has been accepted, before the 250 goes out
    on_accept: Callable[[Received], None] | None = None
    data_count: int = 0
    ehlo_count: int = 0
    rcpt_log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.ehlo_count += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpt_log.append(address)
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            n = self.data_count
            self.data_count += 1
        reply = self.data_replies.get(n)
        if reply:
            return reply
        got = Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self.lock:
            self.messages.append(got)
        if self.on_accept is not None:
            self.on_accept(got)
        return "250 2.0.0 Message accepted"

    def message_ids(self) -> list[str]:
        return [str(m.message["Message-ID"]) for m in self.messages]

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _BoundController(Controller):  # type: ignore[misc]
    """A Controller on a socket we bind ourselves (port 0 works; SO_REUSEADDR for restarts)."""

    def __init__(self, handler: Any, port: int, **kwargs: Any) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1], **kwargs)

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpServer:
    """aiosmtpd in a thread; ``stop()`` and ``start()`` again on the same port."""

    def __init__(self, handler: Recorder, port: int = 0, **smtp_kwargs: Any) -> None:
        self.handler = handler
        self.port = port
        self.smtp_kwargs = smtp_kwargs
        self._controller: _BoundController | None = None

    def start(self) -> SmtpServer:
        self._controller = _BoundController(self.handler, self.port, **self.smtp_kwargs)
        self._controller.start()
        self.port = self._controller.port
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class TlsSetup:
    """A test CA (trustme), the server's TLS context, and the CA file for the client."""

    server_context: ssl.SSLContext
    cafile: Path


def make_tls(tmp_path: Path, names: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsSetup:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert(*names)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    cafile = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return TlsSetup(ctx, cafile)


def password_checker(user: str, password: str) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator accepting exactly one login."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and data.password.decode() == password
        )
        # handled=False: let aiosmtpd answer 535 itself (True means "I already replied").
        return AuthResult(success=ok, handled=False)

    return check


@dataclass
class Silent:
    """A TCP server that accepts connections and never says a word (a hung SMTP server)."""

    sock: socket.socket
    port: int


def silent_server() -> Iterator[Silent]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield Silent(sock, sock.getsockname()[1])
    finally:
        sock.close()


def kill(pid: int) -> None:
    """SIGKILL, as the OOM killer or a power cut would."""
    os.kill(pid, signal.SIGKILL)


def toml_text(text: str) -> str:
    """``text`` as the inside of a TOML basic string (every special character escaped)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) > 0xFFFF:
            out.append(f"\\U{ord(c):08x}")
        elif ord(c) < 0x20 or ord(c) >= 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)
