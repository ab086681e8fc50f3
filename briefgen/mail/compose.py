"""`briefgen email`: a built brief as a MIME message, saved as a draft or sent over SMTP.

    compose(EmailRequest) -> Composed     validate every input, build the brief in memory, render the
                                          cover note, build the message; nothing written or sent
    build_message(...) -> EmailMessage    pure: headers, text + HTML cover note, attachments
    save_draft(msg, folder) -> Path       an .eml with `X-Unsent: 1` (Outlook opens it as a draft)
    send(msg, SmtpSettings)               STARTTLS, implicit TLS or (with a warning) plain SMTP
    deliver(msg, settings, outbox, name)  send; when that fails, save the draft and say where

Bad input (addresses, line breaks in header values, oversized attachments, missing password) is
refused before anything is written or sent. A message that could not be sent is never lost: it is
saved as a draft in the outbox. The SMTP password comes only from the environment and never
appears in a message, an error or a repr.
"""

from __future__ import annotations

import email.policy
import ipaddress
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from briefgen.errors import BriefgenError, InvalidInput, Location, OutputError, Problem

PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"
COVER_TEXT = "cover_note.txt.j2"
COVER_HTML = "cover_note.html.j2"
MB = 1_000_000
DEFAULT_MAX_SIZE = 10 * MB
WARN_SIZE = 5 * MB
BASE64_GROWTH = 1.37  # base64 plus line ends: what a gateway counts against its limit
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EMAIL_FORMATS = tuple(CONTENT_TYPES)
SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
CONNECT_TIMEOUT = 20.0
COMMAND_TIMEOUT = 60.0
TOTAL_TIMEOUT = 300.0  # the whole conversation: a server that keeps talking without getting anywhere
MAX_REPLY_BYTES = 64 * 1024  # one reply of a real server is a few hundred bytes

# Serialisation: CRLF line ends, lines folded at 78, as mail servers and .eml readers expect.
POLICY = email.policy.SMTP


class DeliveryError(BriefgenError):
    """The message could not be sent (server down, login refused, TLS failure, recipients refused)."""

    exit_code = 3


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes = field(repr=False)
    content_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def size_text(self) -> str:
        return human_size(self.size)


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


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{max(1, round(n / 1000))} KB"


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# Line breaks of every kind (str.splitlines() breaks on all of them) and other control characters.
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")


def header_problem(value: str, what: str, where: Location | None = None) -> Problem | None:
    """A header value with a line break could add headers of its own (header injection): refused."""
    m = _LINE_BREAK.search(value)
    if m:
        return Problem(where, f"{what} contains a line break (U+{ord(m.group()):04X}), which could add mail "
                              f"headers of its own; refused: {value!r}")
    m = _CONTROL.search(value)
    if m:
        return Problem(where, f"{what} contains the control character U+{ord(m.group()):04X}: {value!r}")
    return None


def split_addresses(value: str) -> list[str]:
    """'a@x.org; B <b@y.org>, "Doe, J" <j@z.org>' -> three entries (separators inside quotes or <> kept)."""
    parts, current, quoted, angle = [], [], False, False
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        elif ch in ",;" and not quoted and not angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


_NAMED = re.compile(r"^(?P<name>.*?)\s*<(?P<addr>[^<>]*)>$", re.S)


def parse_address(value: str, what: str, where: Location | None = None) -> tuple[Address | None, Problem | None]:
    """One address, bare or `Display Name <addr>`; checked by email-validator (syntax only, no DNS)."""
    from email_validator import EmailNotValidError, validate_email

    bad = header_problem(value, what, where)
    if bad:
        return None, bad
    text = value.strip()
    name, addr = "", text
    m = _NAMED.match(text)
    if m:
        name, addr = m.group("name").strip(), m.group("addr").strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = re.sub(r"\\(.)", r"\1", name[1:-1])
        # an RFC 2047 encoded word ("=?utf-8?q?...?=") is decoded by every mail program: check
        # what it decodes to, so that an encoded line break is refused like a plain one
        bad = header_problem(_decoded_words(name), what, where)
        if bad:
            return None, bad
    try:
        checked = validate_email(addr, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return None, Problem(where, f"{what} '{value}' is not a valid email address: {exc}")
    local, _, domain = checked.ascii_email.rpartition("@")
    return Address(display_name=name, username=local, domain=domain), None


def _decoded_words(text: str) -> str:
    """`text` with RFC 2047 encoded words decoded, as a mail program would show it."""
    if "=?" not in text:
        return text
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):
        return text


def parse_addresses(values: Sequence[str], what: str) -> tuple[list[Address], list[Problem]]:
    addresses, problems = [], []
    for value in values:
        for item in split_addresses(value) or [value]:
            address, problem = parse_address(item, what)
            if problem:
                problems.append(problem)
            else:
                addresses.append(address)
    return addresses, problems


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
    if not host or re.search(r"[\s/@]", host):
        problems.append(Problem(None, f"--smtp '{spec}' is not a mail server name: use HOST or HOST:PORT, "
                                      f"e.g. smtp.example.org:587"))
    if user and not password:
        problems.append(Problem(None, f"--smtp-user is given but the password is not: set it in the environment "
                                      f"variable {PASSWORD_ENV} (never on the command line)"))
    if problems:
        return None, problems
    return SmtpSettings(host=host, port=port, security=security, user=user or None,
                        password=password if user else None), []


def size_check(attachments: Sequence[Attachment], max_size: int) -> tuple[list[Problem], list[str]]:
    """Refuse attachments over `max_size` bytes in total; warn above 5 MB (gateways count base64)."""
    total = sum(a.size for a in attachments)
    names = ", ".join(f"{a.filename} {a.size_text}" for a in attachments)
    if total > max_size:
        return [Problem(None, f"the attachments ({names}) total {human_size(total)}, over the limit of "
                              f"{human_size(max_size)} (--max-size): attach fewer formats (--format pdf) "
                              f"or raise --max-size if your mail system accepts it")], []
    if total > WARN_SIZE:
        return [], [f"the attachments total {human_size(total)}; mail gateways count them base64-encoded, about "
                    f"{human_size(int(total * BASE64_GROWTH))}, and some refuse messages over 10 MB"]
    return [], []


# --- the message ----------------------------------------------------------------------------


def build_message(*, sender: Address | str | None, to: Sequence[Address | str], cc: Sequence[Address | str] = (),
                  subject: str, text: str, html: str | None, attachments: Sequence[Attachment] = (),
                  when: datetime | None = None, message_id: str | None = None) -> EmailMessage:
    """The MIME message: multipart/mixed [multipart/alternative [text/plain, text/html], attachments...].

    Pure (no I/O). Addresses must have been checked (`parse_address`); header values are checked
    again here for line breaks. `sender` may be None for a draft: the mail program fills it in.
    """
    problems = [p for p in (header_problem(subject, "the subject"),
                            *(header_problem(a.filename, f"the attachment name '{a.filename}'") for a in attachments),
                            *(header_problem(str(a), "an address") for a in (*to, *cc, *([sender] if sender else []))))
                if p]
    if not to:
        problems.append(Problem(None, "a message needs at least one recipient (--to)"))
    if problems:
        raise InvalidInput(problems)

    msg = EmailMessage(policy=POLICY)
    # Joined as text so that the header parser turns strings and Address objects alike into addresses.
    if sender:
        msg["From"] = str(sender)
    msg["To"] = ", ".join(str(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(str(a) for a in cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when or datetime.now().astimezone())
    msg["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    # quoted-printable keeps the body 7-bit: safe through any relay, readable in any .eml viewer
    msg.set_content(text, cte="quoted-printable")
    if html is not None:
        msg.add_alternative(html, subtype="html", cte="quoted-printable")
    for att in attachments:
        maintype, _, subtype = att.content_type.partition("/")
        # non-ASCII names become RFC 2231 `filename*=utf-8''...` (the email package does it)
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.filename)
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]  # only the top level carries it
    return msg


def _domain(sender: Address | str | None) -> str:
    if isinstance(sender, Address) and sender.domain:
        return sender.domain
    if isinstance(sender, str) and "@" in sender:
        return sender.rpartition("@")[2].strip(">").strip() or "briefgen.invalid"
    return "briefgen.invalid"


def as_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=POLICY)


def save_draft(msg: EmailMessage, folder: Path, name: str | None = None) -> Path:
    """Write the message as `<name>.eml` with `X-Unsent: 1`; never over an earlier draft, even when
    several runs save at once (exclusive create, then the next free name)."""
    from briefgen.files.output import safe_name, write_exclusive

    data = as_bytes(msg)
    if msg["X-Unsent"] is None:
        data = b"X-Unsent: 1\r\n" + data
    stem = safe_name(name or str(msg["Subject"] or "message"))
    return write_exclusive(folder, stem, ".eml", data)


# --- sending --------------------------------------------------------------------------------


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
            try:
                smtp.quit()  # after the message was accepted, a failing QUIT changes nothing
            except (OSError, smtplib.SMTPException):
                smtp.close()
    except DeliveryError:
        raise
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
    except DeliveryError as exc:
        try:
            path = save_draft(msg, outbox, name)
        except OutputError as saved:
            raise DeliveryError(f"could not send: {exc.message}; and the draft could not be saved either: "
                                f"{saved.message}") from None
        stop = "" if exc.message.endswith((".", "?", "!")) else "."
        raise DeliveryError(f"could not send: {exc.message}{stop} The message is saved as a draft in {path}: open "
                            f"it in your mail program to send it, or run the command again") from None


# --- the cover note -------------------------------------------------------------------------


def render_cover_note(templates, context: Mapping[str, object], locale: str) -> tuple[str, str]:
    """(plain text, HTML) of the cover note from `cover_note.txt.j2` and `cover_note.html.j2`."""
    from briefgen.editorial.context import filters
    from briefgen.render.environment import make_environment, render

    env = make_environment(templates, filters(locale), markdown=False)
    return (render(env, COVER_TEXT, context, templates),
            render(env, COVER_HTML, context, templates))


def brief_name(title: str) -> str:
    """'Pakistan–Kazakhstan: bilateral brief' -> 'Pakistan–Kazakhstan brief'."""
    head = " ".join(title.split(":", 1)[0].split()) or " ".join(title.split())
    return head if head.lower().endswith("brief") else f"{head} brief"


def default_subject(title: str, marking: str, as_of: date, locale: str) -> str:
    """'[OFFICIAL] Pakistan–Kazakhstan brief (as of 26 November 2026)': offices require the marking."""
    from briefgen.dates import format_partial_date

    return with_marking(f"{brief_name(title)} (as of {format_partial_date(as_of, locale)})", marking)


def with_marking(subject: str, marking: str) -> str:
    """Put `[MARKING] ` in front unless the subject already carries the marking."""
    if not marking or marking.lower() in subject.lower():
        return subject
    return f"[{marking}] {subject}"


# --- the command ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailRequest:
    build: object  # briefgen.build.pipeline.BuildRequest (formats: pdf and/or docx)
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    sender: str | None = None  # None: briefgen.toml from_address
    subject: str | None = None  # None: '[MARKING] <name> brief (as of <date>)'
    outbox: Path | None = None  # a draft goes here; None: send over SMTP
    smtp: str | None = None  # HOST[:PORT]
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    password: str | None = field(default=None, repr=False)  # from BRIEFGEN_SMTP_PASSWORD
    max_size: int = DEFAULT_MAX_SIZE
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)


@dataclass
class Composed:
    message: EmailMessage
    name: str  # file stem of the brief, and of its draft
    recipients: list[str]
    outbox: Path  # where a draft goes: --outbox, or briefgen.toml `outbox` in the workspace
    smtp: SmtpSettings | None
    warnings: list[str] = field(default_factory=list)


def compose(req: EmailRequest) -> Composed:
    """Check every input, build the brief in memory and make the message; raises InvalidInput with all problems."""
    from briefgen.build.pipeline import prepare, produce
    from briefgen.workspace import load_config
    from briefgen.writers import EXTENSIONS

    breq = req.build
    ws = breq.workspace
    problems: list[Problem] = []
    warnings: list[str] = []

    bad = [f for f in breq.formats if f not in EMAIL_FORMATS]
    if bad or not breq.formats:
        problems.append(Problem(None, f"email attaches {' or '.join(EMAIL_FORMATS)} (--format all for both), "
                                      f"not {', '.join(bad) or 'nothing'}"))
    to, found = parse_addresses(req.to, "--to")
    problems += found
    if not req.to:
        problems.append(Problem(None, "name at least one recipient with --to"))
    cc, found = parse_addresses(req.cc, "--cc")
    problems += found
    if req.subject is not None:
        problems += [p for p in [header_problem(req.subject, "--subject")] if p]
        if not req.subject.strip():
            problems.append(Problem(None, "--subject is empty"))
    if breq.marking is not None:
        problems += [p for p in [header_problem(breq.marking, "--marking")] if p]
    if req.max_size <= 0:
        problems.append(Problem(None, "--max-size must be more than 0"))

    config, config_problems = load_config(ws)  # its problems are reported by prepare() below
    sender = None
    if req.sender is not None:
        sender, problem = parse_address(req.sender, "--from")
        problems += [problem] if problem else []
    elif config.from_address and not config_problems:
        where = config.at("from_address")
        sender, problem = parse_address(config.from_address, "from_address", where)
        problems += [problem] if problem else []
    if breq.marking is None and not config_problems:
        bad_marking = header_problem(config.marking, "marking",
                                     config.at("marking"))
        problems += [bad_marking] if bad_marking else []

    settings = None
    if req.smtp is not None:
        settings, found = parse_smtp(req.smtp, req.smtp_security, req.smtp_user, req.password)
        problems += found
        if settings is not None:
            settings = replace(settings, ssl_context=req.ssl_context)
            if req.sender is None and not config.from_address and not config_problems:
                problems.append(Problem(None, "sending needs a sender address: set from_address in "
                                              "briefgen.toml or pass --from"))
            if settings.security == "none" and not settings.is_loopback:
                warnings.append(f"sending to {settings.where} without encryption (--smtp-security none): the brief"
                                + (" and your password" if settings.user else "")
                                + " cross the network readable by anyone on the way")
    else:
        if req.smtp_security not in SECURITY_MODES:
            problems.append(Problem(None, f"--smtp-security must be one of {', '.join(SECURITY_MODES)}, "
                                          f"not '{req.smtp_security}'"))
        if req.outbox is None:
            problems.append(Problem(None, "say where the message goes: --outbox DIR for a draft, "
                                          "or --smtp HOST to send"))

    try:
        prepared = prepare(breq)
    except InvalidInput as exc:
        raise InvalidInput(problems + exc.problems) from None
    except BriefgenError as exc:
        if problems:
            raise InvalidInput(problems + exc.problems) from None
        raise
    if problems:
        raise InvalidInput(problems)
    data = produce(prepared, breq.formats)
    warnings += prepared.warnings  # after produce: the writers add theirs (characters left out...)
    attachments = [Attachment(f"{prepared.stem}{EXTENSIONS[fmt]}", data[fmt], CONTENT_TYPES[fmt])
                   for fmt in breq.formats]
    found, size_warnings = size_check(attachments, req.max_size)
    if found:
        raise InvalidInput(found)
    warnings += size_warnings

    meta = prepared.document.meta
    brief = prepared.factbase.briefs[prepared.brief_id]
    info = prepared.context["build"]  # the as-of date and locale the brief was built with
    locale = info.locale
    subject = (with_marking(" ".join(req.subject.split()), meta.marking) if req.subject is not None
               else default_subject(brief.title, meta.marking, info.as_of, locale))
    context = {**prepared.context, "name": brief_name(brief.title), "subject": subject,
               "attachments": list(attachments)}
    text, html = render_cover_note(prepared.templates, context, locale)

    message = build_message(sender=sender, to=to, cc=cc, subject=subject, text=text, html=html,
                            attachments=attachments)
    outbox = req.outbox if req.outbox is not None else ws / prepared.config.outbox
    return Composed(message, prepared.stem, [a.addr_spec for a in (*to, *cc)], outbox, settings, warnings)
