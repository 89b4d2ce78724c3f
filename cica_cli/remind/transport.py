"""What a reminder run needs from a mail transport, without SMTP: ``Transport`` and ``Result``.

``smtp.Mailer`` is the real one; tests may hand ``run`` any object with the same two methods.
Kept apart from ``smtp`` so that planning a run (and ``--dry-run``) never imports ``smtplib``.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, Protocol

Outcome = Literal["sent", "temporary", "permanent"]


class Result(NamedTuple):
    """What happened to one message."""

    outcome: Outcome
    detail: str = ""
    #: The server may have accepted the message (the connection died while waiting for its
    #: reply to DATA): keep it pending, resend under the same Message-ID.
    ambiguous: bool = False
    #: The connection is gone (421, reset): reconnect before the next message.
    connection_lost: bool = False


class Transport(Protocol):
    """Hands one message to one recipient; ``close`` ends the session."""

    def send(self, sender: str, recipient: str, data: bytes) -> Result:
        """Send ``data``; raise ``TemporaryFailure`` (cannot connect) or ``ConfigError``."""
        ...

    def close(self) -> None:
        """End the session (QUIT) if one is open."""
        ...
