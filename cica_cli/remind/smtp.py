"""The only module that talks SMTP.

``Mailer`` connects (plain, STARTTLS or implicit TLS), authenticates only over TLS (or to
localhost), and sends one message to one recipient at a time, classifying what went wrong:

- connection refused, timeout, dropped connection, 4xx: *temporary* (exit 75, retried next run);
- 5xx to RCPT or DATA: *permanent* for that message (exit 65, recorded, not retried);
- TLS or authentication failure, STARTTLS not offered, sender refused with 5xx: *configuration*
  (``ConfigError``, exit 78); the run stops, and never falls back to plaintext.

The envelope recipients are passed explicitly: the server never learns an address from headers.
"""

from __future__ import annotations

import contextlib
import select
import smtplib
import socket
import ssl
from types import TracebackType

from ..errors import ConfigError, TemporaryFailure
from .settings import Smtp
from .transport import Outcome, Result


def _reply(code: int, text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(raw.split())}".strip()


class Mailer:
    """One SMTP session (reconnectable). Use as a context manager."""

    def __init__(self, smtp: Smtp, local_hostname: str | None = None) -> None:
        self.settings = smtp
        self._local_hostname = local_hostname
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def where(self) -> str:
        """``host:port (security)`` for messages."""
        s = self.settings
        return f"{s.host}:{s.port} ({s.security})"

    def _tls_context(self) -> ssl.SSLContext:
        cafile = str(self.settings.cafile) if self.settings.cafile else None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as err:
            raise ConfigError(f"cannot load CA file {cafile}: {err}") from err

    def connect(self) -> None:
        """Open the session: connect, TLS, AUTH. Raises TemporaryFailure or ConfigError."""
        self.close()
        s = self.settings
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(
                    s.host,
                    s.port,
                    local_hostname=self._local_hostname,
                    timeout=s.timeout,
                    context=self._tls_context(),
                )
            else:
                conn = _PlainSMTP(
                    self.where,
                    host=s.host,
                    port=s.port,
                    local_hostname=self._local_hostname,
                    timeout=s.timeout,
                )
            conn.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise ConfigError(
                        f"{self.where}: the server does not offer STARTTLS; refusing to "
                        "continue unencrypted (use --smtp-security ssl, or none for a local "
                        "server without a password)"
                    )
                conn.starttls(context=self._tls_context())
                conn.ehlo()
            if s.user is not None:
                if s.password is None:  # settings already refuse this; belt and braces
                    raise ConfigError("SMTP user given without CICA_SMTP_PASSWORD")
                if s.security == "none" and not s.is_local:
                    raise ConfigError(f"refusing to send the SMTP password to {s.host} unencrypted")
                self._login(conn, s.user, s.password)
        except ConfigError:
            _abandon(conn)
            raise
        except smtplib.SMTPAuthenticationError as err:
            _abandon(conn)
            raise ConfigError(
                f"{self.where}: authentication as {s.user!r} failed: "
                f"{_reply(err.smtp_code, err.smtp_error)}"
            ) from None
        except smtplib.SMTPNotSupportedError as err:
            _abandon(conn)
            raise ConfigError(f"{self.where}: {err} (the server offers no usable AUTH)") from None
        except smtplib.SMTPException as err:
            _abandon(conn)
            if "No suitable authentication method" in str(err):
                raise ConfigError(f"{self.where}: {err}") from None
            code = getattr(err, "smtp_code", None)
            if isinstance(code, int) and 500 <= code < 600 and s.user is not None:
                raise ConfigError(f"{self.where}: login refused: {err}") from None
            raise TemporaryFailure(f"{self.where}: {_describe(err)}") from None
        except (ssl.SSLError, ssl.CertificateError) as err:
            _abandon(conn)
            raise ConfigError(
                f"{self.where}: TLS failed: {err} (for a private CA set CICA_SMTP_CAFILE or "
                "[smtp] cafile); nothing was sent unencrypted"
            ) from None
        except OSError as err:
            _abandon(conn)
            raise TemporaryFailure(f"{self.where}: {_describe(err)}") from None
        self._conn = conn

    def _login(self, conn: smtplib.SMTP, user: str, password: str) -> None:
        """AUTH once, with the best mechanism both sides speak.

        ``smtplib.login`` tries the next mechanism after a refusal: a wrong password would be
        tried twice (PLAIN, then LOGIN), which counts twice against lockout and rate limits.
        """
        if not conn.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        offered = conn.esmtp_features["auth"].upper().split()
        mechanism = next((m for m in _MECHANISMS if m in offered), None)
        if mechanism is None:
            raise ConfigError(
                f"{self.where}: the server offers AUTH {' '.join(offered)}, none of which cica "
                f"speaks ({', '.join(_MECHANISMS)})"
            )
        conn.user, conn.password = user, password
        method = getattr(conn, "auth_" + mechanism.lower().replace("-", "_"))
        conn.auth(mechanism, method, initial_response_ok=True)

    def send(self, sender: str, recipient: str, data: bytes) -> Result:
        """Send ``data`` to exactly ``recipient``; connect first if needed.

        Raises ``ConfigError`` when the server refuses the sender for good (every further
        message would fail the same way).
        """
        if self._conn is None:
            self.connect()
        conn = self._conn
        assert conn is not None
        options: list[str] = []
        if not (sender + recipient).isascii():  # a non-ASCII local part (the domain is IDNA)
            if not conn.has_extn("smtputf8"):
                who = sender if not sender.isascii() else recipient
                raise ConfigError(
                    f"{self.where}: <{who}> has a non-ASCII local part, which needs SMTPUTF8 "
                    "(RFC 6531), and this server does not offer it; nothing more was sent. Use "
                    "an ASCII address for it, or a server that offers SMTPUTF8"
                )
            options = ["SMTPUTF8", *(["BODY=8BITMIME"] if conn.has_extn("8bitmime") else [])]
        stage = "MAIL FROM"
        try:
            code, resp = conn.mail(sender, options)
            if code != 250:
                conn.rset()
                if 500 <= code < 600:
                    raise ConfigError(
                        f"{self.where}: sender <{sender}> refused: {_reply(code, resp)} "
                        "(check --from)"
                    )
                return self._failed(code, resp, f"sender refused: {_reply(code, resp)}")
            stage = "RCPT TO"
            code, resp = conn.rcpt(recipient)
            if code not in (250, 251):
                if code != 421:
                    conn.rset()
                return self._failed(code, resp, f"<{recipient}> refused: {_reply(code, resp)}")
            stage = "DATA"
            code, resp = conn.data(data)
            if code != 250:
                if code != 421:
                    conn.rset()
                return self._failed(code, resp, f"message refused: {_reply(code, resp)}")
        except smtplib.SMTPDataError as err:  # DATA answered with something other than 354
            return self._failed(err.smtp_code, err.smtp_error, f"DATA refused: {err}")
        except (smtplib.SMTPException, OSError) as err:
            self._drop()
            return Result(
                "temporary",
                f"connection lost at {stage}: {_describe(err)}",
                ambiguous=stage == "DATA",
                connection_lost=True,
            )
        return Result("sent", _reply(code, resp))

    def _failed(self, code: int, resp: bytes | str, detail: str) -> Result:
        lost = code == 421
        if lost:
            self._drop()
        outcome: Outcome = "permanent" if 500 <= code < 600 else "temporary"
        return Result(outcome, detail, connection_lost=lost)

    def _drop(self) -> None:
        _abandon(self._conn)
        self._conn = None

    def close(self) -> None:
        """QUIT politely if connected."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                _abandon(conn)


#: AUTH mechanisms in order of preference (the password travels only over TLS or to localhost).
_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")
#: Seconds to wait for a server's greeting before checking whether the port speaks TLS first.
GREETING_PROBE = 2.0


class _PlainSMTP(smtplib.SMTP):
    """``smtplib.SMTP`` that tells an implicit-TLS port (465) from a slow server.

    A port that expects TLS from the first byte stays silent, and the client would wait for a
    greeting until its timeout, then fail as if the server were down (exit 75, retried by cron
    for ever). If no greeting comes within ``GREETING_PROBE`` seconds, a second connection tries
    a TLS handshake (no certificate check, nothing sent after it): if the port answers in TLS,
    that is a configuration error with its fix. Otherwise the first connection keeps waiting.
    """

    def __init__(self, where: str, **kwargs: object) -> None:
        self._where = where
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:  # smtplib's
        sock = socket.create_connection((host, port), timeout, self.source_address)
        try:
            ready, _w, _x = select.select([sock], [], [], min(GREETING_PROBE, timeout))
            if not ready and _speaks_tls(host, port, min(GREETING_PROBE, timeout)):
                raise ConfigError(
                    f"{self._where}: this port expects TLS from the start (implicit TLS, as "
                    "on port 465), not STARTTLS: use --smtp-security ssl (CICA_SMTP_SECURITY, "
                    "[smtp] security); nothing was sent"
                )
        except BaseException:
            sock.close()
            raise
        return sock


def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    """True if a TLS handshake with ``host:port`` succeeds (a probe: no certificate check)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return True
    except (OSError, ssl.SSLError):
        return False


def _abandon(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


def _describe(err: BaseException) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(err, socket.timeout | TimeoutError):
        return "timed out waiting for the server"
    if isinstance(err, socket.gaierror):
        return f"cannot resolve the host name ({err.strerror})"
    if isinstance(err, smtplib.SMTPResponseException):
        return _reply(err.smtp_code, err.smtp_error)
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({err})"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
