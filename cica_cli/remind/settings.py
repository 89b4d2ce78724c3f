"""Settings of ``cica remind``: who gets mail, from whom, at which lead times, through which server.

Three sources, merged key by key; the first that sets a key wins:

1. command-line flags (``--to``, ``--from``, ``--lead``, ``--smtp-host``, ...);
2. the environment: ``CICA_SMTP_HOST``, ``CICA_SMTP_PORT``, ``CICA_SMTP_SECURITY``,
   ``CICA_SMTP_USER``, ``CICA_SMTP_TIMEOUT``, ``CICA_SMTP_CAFILE``;
3. ``$XDG_CONFIG_HOME/cica/config.toml`` (``[reminders]`` and ``[smtp]`` tables).

The password comes only from ``CICA_SMTP_PASSWORD``: a flag would show in ``ps``, a file is
easily committed. Every problem is a ``ConfigError`` (exit 78) that names where the value came
from. Nothing here reads the clock or talks to the network.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core import leads
from ..core.leads import Lead
from ..core.toml_text import TomlError, parse
from ..errors import ConfigError

Security = Literal["starttls", "ssl", "none"]
SECURITIES: tuple[str, ...] = ("starttls", "ssl", "none")
CONFIG_FILENAME = "config.toml"
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}

#: Environment variable -> (table, key) it sets.
ENV_KEYS: dict[str, tuple[str, str]] = {
    "CICA_SMTP_HOST": ("smtp", "host"),
    "CICA_SMTP_PORT": ("smtp", "port"),
    "CICA_SMTP_SECURITY": ("smtp", "security"),
    "CICA_SMTP_USER": ("smtp", "user"),
    "CICA_SMTP_TIMEOUT": ("smtp", "timeout"),
    "CICA_SMTP_CAFILE": ("smtp", "cafile"),
}
PASSWORD_ENV = "CICA_SMTP_PASSWORD"

# A deliberately conservative addr-spec: no quoting, no comments, no routes. The local part may
# hold non-ASCII letters (RFC 6531: sent only to a server that offers SMTPUTF8); the domain is
# checked in its ASCII form, after IDNA for an internationalised one (bücher.example).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\U0010ffff-]"
_LOCAL = re.compile("^" + _ATEXT + r"+(?:\." + _ATEXT + "+)*$")
_DOMAIN = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
_NAMED = re.compile(r"^\s*(?P<name>[^<>\"]*?)\s*<(?P<addr>[^<>]+)>\s*$")
_NAME_OK = re.compile(r"^[^\x00-\x1f\x7f\u0080-\u009f\u2028\u2029,;:@\\]*$")


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class SmtpTable(_Table):
    """``[smtp]`` as written (before defaults that depend on other keys)."""

    host: str = Field(default="localhost", min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security | None = None
    user: str | None = Field(default=None, min_length=1)
    timeout: float = Field(default=30.0, gt=0, le=3600)
    cafile: Path | None = None


class RemindersTable(_Table):
    """``[reminders]`` as written."""

    to: tuple[str, ...] = ()
    sender: str | None = Field(default=None, alias="from")
    lead: tuple[str, ...] | None = None


class ConfigFile(_Table):
    """The whole ``config.toml`` (other commands may add tables later; for now, these two)."""

    reminders: RemindersTable = RemindersTable()
    smtp: SmtpTable = SmtpTable()


class Address(NamedTuple):
    """A mailbox: the bare address (for the envelope and the key) and an optional display name."""

    addr_spec: str
    name: str = ""

    @property
    def key(self) -> str:
        """The form used in reminder keys: the domain is case-insensitive, the local part not."""
        local, _, domain = self.addr_spec.rpartition("@")
        return f"{local}@{domain.lower()}"

    def __str__(self) -> str:
        return f"{self.name} <{self.addr_spec}>" if self.name else self.addr_spec


@dataclass(frozen=True)
class Smtp:
    """The server to talk to, with every default filled in."""

    host: str
    port: int
    security: Security
    user: str | None
    password: str | None = field(repr=False)
    timeout: float
    cafile: Path | None

    @property
    def is_local(self) -> bool:
        """True when the server is this machine (plaintext never leaves it)."""
        return is_local_host(self.host)


class Settings(NamedTuple):
    """Everything ``cica remind`` needs besides the calendar."""

    recipients: tuple[Address, ...]
    sender: Address
    leads: tuple[Lead, ...] | None  # None: the calendar's own lead times
    smtp: Smtp
    config_path: Path


class Flags(NamedTuple):
    """The command-line values (None or empty: not given)."""

    to: Sequence[str] = ()
    sender: str | None = None
    lead: Sequence[str] = ()
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None
    smtp_user: str | None = None


def is_local_host(host: str) -> bool:
    """``localhost`` or a loopback address literal."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_address(text: str, where: str) -> Address:
    """``desk@example.org`` or ``Desk Officer <desk@example.org>``; ConfigError otherwise."""
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\u0085" for c in text):
        raise ConfigError(f"{where}: {text!r} is not an email address (control characters)")
    raw = text.strip()
    name = ""
    named = _NAMED.match(raw)
    if named:
        name, raw = named.group("name").strip(), named.group("addr").strip()
        if not _NAME_OK.match(name):
            raise ConfigError(
                f"{where}: {text!r}: a display name may not contain , ; : @ or backslashes"
            )
    local, at, domain = raw.rpartition("@")
    if any(unicodedata.category(c)[0] in "CZ" for c in raw if not c.isascii()):
        raise ConfigError(f"{where}: {text!r} is not an email address (invisible characters)")
    if at and not domain.isascii() and _LOCAL.match(local):
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError as err:
            raise ConfigError(
                f"{where}: {text!r}: the domain cannot be written in ASCII (IDNA): {err}"
            ) from None
    addr_spec = f"{local}@{domain}"
    if not (at and _LOCAL.match(local) and _DOMAIN.match(domain)) or len(addr_spec) > 254:
        hint = " (one address per --to; repeat the option)" if "," in raw or " " in raw else ""
        raise ConfigError(f"{where}: {text!r} is not an email address{hint}")
    return Address(addr_spec, name)


def _lead(text: str, where: str) -> Lead:
    """``core.leads.parse_lead``, its error a ``ConfigError`` naming ``where``."""
    try:
        return leads.parse_lead(text)
    except leads.LeadError as err:
        raise ConfigError(f"{where}: {err}") from err


def config_file(config_dir: Path) -> Path:
    """Where ``config.toml`` lives."""
    return config_dir / CONFIG_FILENAME


def read_config(path: Path) -> ConfigFile:
    """Parse ``config.toml``; a missing file is an empty one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile()
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}") from err
    try:
        raw = parse(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not valid UTF-8") from err
    except TomlError as err:
        where = f"{path}:{err.line}" if err.line else str(path)
        column = f" at column {err.column}" if err.column else ""
        raise ConfigError(f"{where}: not valid TOML{column}: {err}") from err
    reminders = raw.get("reminders")
    if isinstance(reminders, dict) and isinstance(reminders.get("to"), str):
        reminders["to"] = [reminders["to"]]  # `to = "a@b"` is the common case
    try:
        return ConfigFile.model_validate(_tuples(raw))
    except ValidationError as err:
        raise ConfigError(f"{path}: {_first_error(err)}") from err


def resolve_settings(flags: Flags, env: Mapping[str, str], config_dir: Path) -> Settings:
    """Merge flags > environment > config file and check the result.

    Raises ``ConfigError`` (exit 78) for anything missing or wrong, naming its source.
    """
    path = config_file(config_dir)
    file = read_config(path)
    origin: dict[str, str] = {}

    smtp_raw: dict[str, Any] = {}
    for key, value in file.smtp.model_dump(exclude_unset=True).items():
        smtp_raw[key] = value
        origin[key] = f"{path}: [smtp] {key}"
    for var, (_table, key) in ENV_KEYS.items():
        if env.get(var):
            smtp_raw[key] = env[var]
            origin[key] = var
    for key, value in (
        ("host", flags.smtp_host),
        ("port", flags.smtp_port),
        ("security", flags.smtp_security),
        ("user", flags.smtp_user),
    ):
        if value is not None:
            smtp_raw[key] = value
            origin[key] = "--smtp-" + key
    try:
        # Lax mode: the environment gives text ("2525", "1.5").
        smtp = SmtpTable.model_validate(smtp_raw, strict=False)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        raise ConfigError(f"{origin.get(key, path)}: {_first_error(err)}") from err

    to_src = (
        ("--to", list(flags.to))
        if flags.to
        else (f"{path}: [reminders] to", list(file.reminders.to))
    )
    recipients: list[Address] = []
    for text in to_src[1]:
        addr = parse_address(text, to_src[0])
        if addr.key not in {r.key for r in recipients}:
            recipients.append(addr)
    if not recipients:
        raise ConfigError(
            f"no recipients: give --to ADDR (repeatable) or set `to` in [reminders] of {path}"
        )
    sender_text, sender_src = (
        (flags.sender, "--from")
        if flags.sender is not None
        else (file.reminders.sender, f"{path}: [reminders] from")
    )
    if not sender_text:
        raise ConfigError(
            f"no sender: give --from ADDR or set `from` in [reminders] of {path} "
            "(a real mailbox: bounces go there)"
        )
    sender = parse_address(sender_text, sender_src)

    lead_src, lead_texts = (
        ("--lead", list(flags.lead))
        if flags.lead
        else (f"{path}: [reminders] lead", file.reminders.lead)
    )
    leads = None if lead_texts is None else tuple(_lead(t, lead_src) for t in lead_texts)

    security: Security = smtp.security or ("none" if is_local_host(smtp.host) else "starttls")
    password = env.get(PASSWORD_ENV) or None
    if password is not None and smtp.user is None:
        raise ConfigError(
            f"{PASSWORD_ENV} is set but no SMTP user is: give --smtp-user, CICA_SMTP_USER "
            f"or `user` in [smtp] of {path}"
        )
    if smtp.user is not None and password is None:
        raise ConfigError(
            f"SMTP user {smtp.user!r} has no password: set {PASSWORD_ENV} "
            "(it is never read from a flag or a file)"
        )
    if password is not None and security == "none" and not is_local_host(smtp.host):
        raise ConfigError(
            f"refusing to send the SMTP password to {smtp.host} unencrypted: use "
            "--smtp-security starttls or ssl (plaintext is allowed only to localhost)"
        )
    if smtp.cafile is not None and not smtp.cafile.is_file():
        raise ConfigError(f"{origin.get('cafile', 'cafile')}: no such file: {smtp.cafile}")
    return Settings(
        recipients=tuple(recipients),
        sender=sender,
        leads=leads,
        smtp=Smtp(
            host=smtp.host,
            port=smtp.port or DEFAULT_PORTS[security],
            security=security,
            user=smtp.user,
            password=password,
            timeout=smtp.timeout,
            cafile=smtp.cafile,
        ),
        config_path=path,
    )


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    loc = ".".join(str(x) for x in e["loc"])
    if e["type"] == "extra_forbidden":
        return f"unknown setting {loc!r}"
    msg = str(e["msg"])
    return f"{loc}: {msg}" if loc else msg
