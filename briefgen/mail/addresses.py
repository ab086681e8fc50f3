"""Mail addresses and header values, checked before anything is built, written or sent.

A header value with a line break could add headers of its own (header injection); it is refused,
also when an RFC 2047 encoded word ("=?utf-8?q?...?=") only decodes to one. Addresses are checked
by email-validator (syntax only, no DNS).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.headerregistry import Address

from briefgen.errors import Location, Problem

# Line breaks of every kind (str.splitlines() breaks on all of them) and other control characters.
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f]")


def header_problem(value: str, what: str, where: Location | None = None) -> Problem | None:
    """A header value with a line break could add headers of its own (header injection): refused,
    also when an RFC 2047 encoded word in it ("=?utf-8?q?...=0D=0A...?=") decodes to one, as every
    mail program decodes it."""
    decoded = _decoded_words(value)
    if decoded != value:
        found = header_problem(decoded, what, where)
        if found is not None:
            return Problem(where, found.message.replace(f": {decoded!r}", f" once its encoded words are decoded: "
                                                                          f"{value!r}"))
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
