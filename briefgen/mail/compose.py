"""`briefgen email`: a built brief as a MIME message, saved as a draft or sent over SMTP.

    compose(EmailRequest, settings) -> Composed   validate every input, build the brief in memory,
                                                  render the cover note, build the message; nothing
                                                  written or sent

Bad input (addresses, line breaks in header values, oversized attachments, missing password) is
refused before anything is written or sent, all problems at once. The message itself is made in
`mail.message`, sent in `mail.smtp`; addresses and header values are checked in `mail.addresses`.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from briefgen.errors import BriefgenError, InvalidInput, Problem
from briefgen.mail.addresses import header_problem, parse_address, parse_addresses
from briefgen.mail.message import (
    CONTENT_TYPES,
    DEFAULT_MAX_SIZE,
    EMAIL_FORMATS,
    Attachment,
    build_message,
    size_check,
)
from briefgen.mail.smtp import SECURITY_MODES, SmtpSettings, parse_smtp

COVER_TEXT = "cover_note.txt.j2"
COVER_HTML = "cover_note.html.j2"


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
    from briefgen.render.cldr import format_partial_date

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
    changes_since: str | None = None  # 'last' or a date: the changes box in the brief and the cover note


@dataclass
class Composed:
    message: EmailMessage
    name: str  # file stem of the brief, and of its draft
    recipients: list[str]
    outbox: Path  # where a draft goes: --outbox, or briefgen.toml `outbox` in the workspace
    smtp: SmtpSettings | None
    warnings: list[str] = field(default_factory=list)
    prepared: object = None  # the brief as built (an edition is recorded from it once the message is out)
    data: dict[str, bytes] = field(default_factory=dict)  # each attached format's bytes


def compose(req: EmailRequest) -> Composed:
    """Check every input, build the brief in memory and make the message; raises InvalidInput with all problems."""
    from briefgen.build.pipeline import load_inputs, prepare, produce
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

    # briefgen.toml is read once, here: the build below and every located error use this reading
    config, config_problems = load_config(ws)  # its problems are reported with the fact base's below
    sender = None
    if req.sender is not None:
        sender, problem = parse_address(req.sender, "--from")
        problems += [problem] if problem else []
    elif config.from_address and not config_problems:
        sender, problem = parse_address(config.from_address, "from_address", config.at("from_address"))
        problems += [problem] if problem else []
    if breq.marking is None and not config_problems:
        bad_marking = header_problem(config.marking, "marking", config.at("marking"))
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
        loaded = load_inputs(ws, only=breq.brief_file, template=breq.template, settings=(config, config_problems))
        prepared = prepare(breq, loaded=loaded)
    except InvalidInput as exc:
        raise InvalidInput(problems + exc.problems) from None
    except BriefgenError as exc:
        if problems:
            raise InvalidInput(problems + exc.problems) from None
        raise
    if problems:
        raise InvalidInput(problems)
    if req.changes_since is not None:
        from briefgen.editions.publish import with_changes_box

        prepared = with_changes_box(breq, prepared, req.changes_since)
    data = produce(prepared, breq.formats)
    warnings += prepared.warnings  # after produce: the writers add theirs (characters left out...)
    attachments = [Attachment(f"{prepared.stem}{EXTENSIONS[fmt]}", data[fmt], CONTENT_TYPES[fmt])
                   for fmt in breq.formats]
    found, size_warnings = size_check(attachments, req.max_size)
    if found:
        raise InvalidInput(found)
    warnings += size_warnings

    meta = prepared.document.meta
    info = prepared.context["build"]  # the as-of date and locale the brief was built with
    locale = info.locale
    subject = (with_marking(" ".join(req.subject.split()), meta.marking) if req.subject is not None
               else default_subject(meta.title, meta.marking, info.as_of, locale))  # a meeting brief's own title
    context = {**prepared.context, "name": brief_name(meta.title), "subject": subject,
               "attachments": list(attachments)}
    text, html = render_cover_note(prepared.templates, context, locale)

    message = build_message(sender=sender, to=to, cc=cc, subject=subject, text=text, html=html,
                            attachments=attachments)
    outbox = req.outbox if req.outbox is not None else ws / prepared.config.outbox
    return Composed(message, prepared.stem, [a.addr_spec for a in (*to, *cc)], outbox, settings, warnings,
                    prepared, data)
