"""Sending a message over SMTP, within bounds, and keeping it as a draft when that fails.

    parse_smtp(spec, ...) -> SmtpSettings  'HOST', 'HOST:PORT', '[::1]:PORT'; password from the environment
    send(msg, SmtpSettings)                STARTTLS, implicit TLS or (with a warning) plain SMTP
    deliver(msg, settings, outbox, name)   send; when that fails, save the draft and say where

A message that could not be sent is never lost: it is saved as a draft in the outbox. The SMTP
password comes only from the environment and never appears in a message, an error or a repr.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import socket
import ssl
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from briefgen.errors import BriefgenError, ExitCode, Interrupted, OutputError, Problem
from briefgen.mail.addresses import header_problem
from briefgen.mail.message import save_draft

PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"
SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
CONNECT_TIMEOUT = 20.0
COMMAND_TIMEOUT = 60.0
TOTAL_TIMEOUT = 300.0  # the whole conversation: a server that keeps talking without getting anywhere
MAX_REPLY_BYTES = 64 * 1024  # one reply of a real server is a few hundred bytes


class DeliveryError(BriefgenError):
    """The message could not be sent (server down, login refused, TLS failure, recipients refused)."""

    exit_code = 3


class SendInterrupted(BriefgenError):
    """Ctrl+C or SIGTERM while sending; the message was saved as a draft."""

    exit_code = ExitCode.INTERRUPTED


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    connect_timeout: float = CONNECT_TIMEOUT
    command_timeout: float = COMMAND_TIMEOUT
    total_timeout: float = TOTAL_TIMEOUT
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    """TLS trust; None: the system's CAs (which honour SSL_CERT_FILE / SSL_CERT_DIR)."""

    @property
    def where(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name_ok(host: str) -> bool:
    """An IP address, or a name DNS can carry: parts of 1 to 63 characters, 253 in all (idna would
    fail later with a UnicodeError, after the message was made)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        encoded = host.rstrip(".").encode("idna")
    except UnicodeError:
        return False
    return 0 < len(encoded) <= 253 and all(0 < len(part) <= 63 for part in encoded.split(b"."))


def parse_smtp(spec: str, security: str = "starttls", user: str | None = None,
               password: str | None = None) -> tuple[SmtpSettings | None, list[Problem]]:
    """'HOST', 'HOST:PORT', '[::1]:PORT' -> settings; the default port follows the security mode."""
    problems = []
    if security not in SECURITY_MODES:
        problems.append(Problem(None, f"--smtp-security must be one of {', '.join(SECURITY_MODES)}, not '{security}'"))
        security = "starttls"
    for value, what in ((spec, "--smtp"), (user or "", "--smtp-user")):
        bad = header_problem(value, what)
        if bad:
            problems.append(bad)
    if problems:
        return None, problems
    host, port_text = spec.strip(), ""
    m = re.fullmatch(r"\[([^\]]+)\](?::(.*))?", host)
    if m:
        host, port_text = m.group(1), m.group(2) or ""
    elif host.count(":") == 1:
        host, port_text = host.split(":")
    port = DEFAULT_PORTS[security]
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            problems.append(Problem(None, f"--smtp '{spec}': the port must be a number from 1 to 65535"))
        else:
            port = int(port_text)
    if not host or re.search(r"[\s/@]", host) or not _host_name_ok(host):
        problems.append(Problem(None, f"--smtp '{spec}' is not a mail server name: use HOST or HOST:PORT, "
                                      f"e.g. smtp.example.org:587"))
    if user and not password:
        problems.append(Problem(None, f"--smtp-user is given but the password is not: set it in the environment "
                                      f"variable {PASSWORD_ENV} (never on the command line)"))
    if problems:
        return None, problems
    return SmtpSettings(host=host, port=port, security=security, user=user or None,
                        password=password if user else None), []


# --- the conversation ---------------------------------------------------------------------


class _PastDeadline(smtplib.SMTPServerDisconnected):
    """The whole SMTP conversation took longer than `total_timeout`."""


class _ReplyTooLong(smtplib.SMTPServerDisconnected):
    """One reply of the server was longer than MAX_REPLY_BYTES."""


def _bounded(base: type[smtplib.SMTP], deadline: float) -> type[smtplib.SMTP]:
    """`base` (SMTP or SMTP_SSL) whose replies are read within `deadline` (time.monotonic) and at
    most MAX_REPLY_BYTES long. smtplib bounds each line (8 KB) and each wait (the socket timeout),
    but not how many lines a reply has nor how long a conversation lasts: a server sending a
    `220-` continuation every few seconds, or endless reply lines, held a send forever."""

    class Bounded(base):
        def _left(self) -> float:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise _PastDeadline("past the deadline")
            return left

        def send(self, s):
            if self.sock is not None:
                self.sock.settimeout(min(self.timeout, self._left()))
            return super().send(s)

        def getreply(self):
            # smtplib.SMTP.getreply, with the total size and the deadline checked on every line
            lines, size = [], 0
            if self.file is None:
                self.file = self.sock.makefile("rb")
            while True:
                self.sock.settimeout(min(self.timeout, self._left()))
                try:
                    line = self.file.readline(smtplib._MAXLINE + 1)
                except OSError as exc:
                    self.close()
                    if time.monotonic() >= deadline:
                        raise _PastDeadline("past the deadline") from None
                    raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {exc}") from None
                if not line:
                    self.close()
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                if len(line) > smtplib._MAXLINE:
                    self.close()
                    raise smtplib.SMTPResponseException(500, "Line too long.")
                size += len(line)
                if size > MAX_REPLY_BYTES:
                    self.close()
                    raise _ReplyTooLong("reply too long")
                lines.append(line[4:].strip(b" \t\r\n"))
                try:
                    code = int(line[:3])
                except ValueError:
                    code = -1
                    break
                if line[3:4] != b"-":
                    break
            return code, b"\n".join(lines)

    return Bounded


def send(msg: EmailMessage, settings: SmtpSettings) -> None:
    """Send over SMTP; every failure becomes a DeliveryError that says what went wrong, never the password."""
    stage = "connect"
    deadline = time.monotonic() + settings.total_timeout
    try:
        context = settings.ssl_context or ssl.create_default_context()
        if settings.security == "ssl":
            smtp = _bounded(smtplib.SMTP_SSL, deadline)(settings.host, settings.port,
                                                       timeout=settings.connect_timeout, context=context)
        else:
            smtp = _bounded(smtplib.SMTP, deadline)(settings.host, settings.port, timeout=settings.connect_timeout)
        try:
            smtp.timeout = settings.command_timeout
            if smtp.sock is not None:
                smtp.sock.settimeout(settings.command_timeout)
            stage = "greet"
            smtp.ehlo()
            if settings.security == "starttls":
                stage = "starttls"
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(f"{settings.where} does not offer STARTTLS, so the message would go "
                                        f"unencrypted; use --smtp-security ssl (usually port 465) if the server "
                                        f"supports it")
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                stage = "login"
                smtp.login(settings.user, settings.password or "")
            stage = "send"
            refused = smtp.send_message(msg)
            stage = "sent"
        finally:
            if isinstance(sys.exc_info()[1], (Interrupted, KeyboardInterrupt)):
                smtp.close()  # Ctrl+C: no QUIT, which a hanging server would not answer either
            else:
                try:
                    smtp.quit()  # after the message was accepted, a failing QUIT changes nothing
                except (OSError, smtplib.SMTPException):
                    smtp.close()
    except DeliveryError:
        raise
    except UnicodeError:  # the host name cannot be encoded for DNS ("mail..example.org", a 64-letter label)
        raise DeliveryError(f"'{settings.host}' is not a mail server name that can be looked up (an empty "
                            "part between dots, or a part longer than 63 characters)") from None
    except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError and socket errors are OSErrors
        if stage == "sent":
            return
        raise DeliveryError(_scrub(_explain(exc, stage, settings), settings.password, settings.user)) from None
    if refused:
        accepted = [a.addr_spec for a in _recipients(msg) if a.addr_spec not in refused]
        raise DeliveryError(_scrub(f"{settings.where} accepted the message for {', '.join(accepted)} but refused "
                                   f"{_refusals(refused)}", settings.password))


def _recipients(msg: EmailMessage) -> list[Address]:
    return [a for name in ("To", "Cc", "Bcc") if msg[name] is not None for a in msg[name].addresses]


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({code} {_text(reply)})" for addr, (code, reply) in refused.items())


def _explain(exc: BaseException, stage: str, s: SmtpSettings) -> str:
    where = s.where
    if isinstance(exc, _PastDeadline):
        return (f"{where} did not finish within {s.total_timeout:g} seconds (it kept the conversation going "
                f"without getting anywhere); stopped")
    if isinstance(exc, _ReplyTooLong):
        return f"{where} sent a reply longer than {MAX_REPLY_BYTES // 1024} KB, which no mail server does; stopped"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where} refused the login for user '{s.user}' ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "login":
        plain = " over an unencrypted connection" if s.security == "none" else ""
        return f"{where} does not offer login (SMTP AUTH){plain}; drop --smtp-user or use another security mode"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{where} refused every recipient: {_refusals(exc.recipients)}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"{where} refused the sender {exc.sender} ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPConnectError):
        return f"{where} refused the connection ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} refused the message ({exc.smtp_code} {_text(exc.smtp_error)})"
    if isinstance(exc, (TimeoutError, socket.timeout)) or (
            isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)):
        if stage == "connect":
            return f"{where} did not answer within {s.connect_timeout:g} seconds"
        return f"{where} stopped answering (no reply within {s.command_timeout:g} seconds)"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection unexpectedly ({exc or 'no reason given'})"
    if isinstance(exc, ssl.SSLCertVerificationError) and (exc.verify_code == 62 or "hostname mismatch" in str(exc)
                                                          or "match" in str(exc.verify_message or "")):
        return (f"the TLS certificate of {where} is for another host name ({exc.verify_message or exc.reason}); "
                f"give --smtp the server's name as its certificate states it")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the TLS certificate of {s.host} is not trusted ({exc.verify_message or exc.reason}); if your "
                f"office uses its own certificate authority, point SSL_CERT_FILE at its certificate")
    if isinstance(exc, ssl.SSLError):
        hint = ""
        if "WRONG_VERSION_NUMBER" in str(exc) or "wrong version number" in str(exc):
            hint = ("; the server does not speak TLS on this port: use --smtp-security starttls (port 587) "
                    "or ssl (port 465) to match it")
        return f"TLS with {where} failed ({exc.reason or exc}){hint}"
    if isinstance(exc, smtplib.SMTPException):
        return f"{where}: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused; is the mail server running, and is the port right?"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the mail server '{s.host}' ({exc.strerror or exc})"
    if isinstance(exc, OSError):
        verb = "cannot connect to" if stage == "connect" else "lost the connection to"
        return f"{verb} {where}: {exc.strerror or exc}"
    return f"{where}: {exc}"


def _scrub(text: str, password: str | None, user: str | None = None) -> str:
    """`text` without the password, plain or base64-encoded (a server may echo the AUTH LOGIN or
    AUTH PLAIN exchange): the whole encoded forms, and the part of any encoding that depends on the
    password alone, whatever bytes came before it."""
    if not password:
        return text
    import base64

    secret = password.encode("utf-8")
    forms = {password, base64.b64encode(secret).decode(),
             base64.b64encode(f"\0{user or ''}\0{password}".encode()).decode()}
    for offset in range(3):  # the password's bytes may start at any position of a 3-byte group
        encoded = base64.b64encode(b"\0" * offset + secret).decode().rstrip("=")
        stable = encoded[4 if offset else 0: len(encoded) - 4 if len(encoded) > 8 else len(encoded)]
        if len(stable) >= 8:
            forms.add(stable)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "********")
    return text


def deliver(msg: EmailMessage, settings: SmtpSettings, outbox: Path, name: str | None = None) -> None:
    """Send; when sending fails, save the message as a draft in `outbox` and say so in the error."""
    try:
        send(msg, settings)
    except (Interrupted, KeyboardInterrupt):
        # Ctrl+C while a server hangs: the message is kept, as for any failed send
        from briefgen.runtime import signals_held

        with signals_held():
            try:
                path = save_draft(msg, outbox, name)
            except OutputError as saved:
                raise SendInterrupted(f"interrupted before the message was sent; and the draft could not be "
                                      f"saved: {saved.message}") from None
        raise SendInterrupted(f"interrupted before the message was sent; it is saved as a draft in {path}: open "
                              "it in your mail program to send it, or run the command again") from None
    except DeliveryError as exc:
        try:
            path = save_draft(msg, outbox, name)
        except OutputError as saved:
            raise DeliveryError(f"could not send: {exc.message}; and the draft could not be saved either: "
                                f"{saved.message}") from None
        stop = "" if exc.message.endswith((".", "?", "!")) else "."
        raise DeliveryError(f"could not send: {exc.message}{stop} The message is saved as a draft in {path}: open "
                            f"it in your mail program to send it, or run the command again") from None
