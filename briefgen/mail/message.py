"""The MIME message of a brief, its size limit, and its draft (.eml) on disk.

    build_message(...) -> EmailMessage    pure: headers, text + HTML cover note, attachments
    size_check(attachments, max_size)     refuse over the limit, warn above 5 MB
    save_draft(msg, folder) -> Path       an .eml with `X-Unsent: 1` (Outlook opens it as a draft)

Sizes are in MB of 2^20 bytes (1,048,576), as everywhere in briefgen (`files.root.MB`).
"""

from __future__ import annotations

import email.policy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from briefgen.errors import InvalidInput, Problem
from briefgen.files.root import MB
from briefgen.mail.addresses import header_problem

DEFAULT_MAX_SIZE = 10 * MB
WARN_SIZE = 5 * MB
BASE64_GROWTH = 1.37  # base64 plus line ends: what a gateway counts against its limit
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EMAIL_FORMATS = tuple(CONTENT_TYPES)

# Serialisation: CRLF line ends, lines folded at 78, as mail servers and .eml readers expect.
POLICY = email.policy.SMTP


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


def human_size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


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
