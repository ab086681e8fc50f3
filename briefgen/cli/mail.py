"""`briefgen email`: a brief as an .eml draft or sent over SMTP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli.app import (
    ChangesSinceOpt,
    WorkspaceOpt,
    absolute,
    app,
    parse_date,
    parse_formats,
    safe,
)


@app.command("email")
def email_brief(
    brief: Annotated[Optional[str], typer.Argument(help="Brief id (see `briefgen list`); optional when there is one.")] = None,
    to: Annotated[list[str], typer.Option("--to", help="Recipient; repeat for more (or separate with ; or ,).",
                                          show_default=False)] = ...,
    cc: Annotated[Optional[list[str]], typer.Option("--cc", help="Copy recipient; repeat for more.")] = None,
    sender: Annotated[Optional[str], typer.Option("--from", help="Sender, e.g. 'Desk <desk@example.org>'.",
                                                  show_default="from_address in briefgen.toml")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Subject; [MARKING] is put in front unless it has it.",
                                                   show_default="[MARKING] <name> brief (as of <date>)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, or all (both) attached.")] = "pdf",
    marking: Annotated[Optional[str], typer.Option("--marking", help="Protective marking (subject and every page).",
                                                   show_default="from briefgen.toml")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="As-of date YYYY-MM-DD.", show_default="today")] = None,
    template: Annotated[Optional[Path], typer.Option("--template", "-t", callback=absolute, help="Template folder searched first.",
                                                     file_okay=False)] = None,
    locale: Annotated[Optional[str], typer.Option("--locale", help="Locale for dates, e.g. en_GB, en_US.")] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="Write a draft .eml to this folder (not sent).",
                                                   file_okay=False)] = None,
    smtp: Annotated[Optional[str], typer.Option("--smtp", help="Send through this mail server: HOST[:PORT].")] = None,
    smtp_security: Annotated[str, typer.Option("--smtp-security", help="starttls, ssl (implicit TLS) or none.")] = "starttls",
    smtp_user: Annotated[Optional[str], typer.Option("--smtp-user", help="Log in as USER; the password is read from "
                                                     "the environment variable BRIEFGEN_SMTP_PASSWORD.")] = None,
    max_size: Annotated[float, typer.Option("--max-size", help="Largest total of attachments, in MB "
                                            "(1 MB = 1,048,576 bytes).")] = 10.0,
    changes_since: ChangesSinceOpt = None,
    no_edition: Annotated[bool, typer.Option("--no-edition", help="Do not record what is sent as an edition "
                                             "(editions/<brief>/).")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Email a brief: write a draft (--outbox DIR) or send it (--smtp HOST). A message that cannot be sent is
    saved as a draft in the outbox."""
    import math
    import os

    from briefgen.build.pipeline import BuildRequest
    from briefgen.files.root import MB
    from briefgen.mail.compose import EmailRequest, compose
    from briefgen.mail.message import EMAIL_FORMATS, save_draft
    from briefgen.mail.smtp import PASSWORD_ENV, deliver

    if not math.isfinite(max_size) or max_size <= 0 or max_size > 10_000:
        raise typer.BadParameter(f"'{max_size:g}' is not a size in MB from above 0 to 10000", param_hint="--max-size")
    if (outbox is None) == (smtp is None):
        raise typer.BadParameter("use one of them: --outbox DIR writes a draft, --smtp HOST[:PORT] sends it",
                                 param_hint="--outbox / --smtp")
    # Read once and taken out of the environment before any template renders or any worker starts:
    # from here on it lives only in the SMTP settings (never in a repr, a message or an error).
    password = os.environ.pop(PASSWORD_ENV, None) or None
    formats = EMAIL_FORMATS if format == "all" else parse_formats(format)
    request = EmailRequest(
        build=BuildRequest(workspace=workspace, brief=brief, formats=formats, marking=marking,
                           as_of=parse_date(as_of), template=template, locale=locale),
        to=tuple(to), cc=tuple(cc or ()), sender=sender, subject=subject, outbox=outbox, smtp=smtp,
        smtp_security=smtp_security, smtp_user=smtp_user, password=password,
        max_size=int(max_size * MB), changes_since=changes_since)
    composed = compose(request)
    for warning in composed.warnings:
        typer.echo(f"warning: {safe(warning)}", err=True)
    if composed.smtp is None:
        typer.echo(safe(save_draft(composed.message, composed.outbox, composed.name)))
    else:
        deliver(composed.message, composed.smtp, composed.outbox, composed.name)
        typer.echo(f"sent to {', '.join(composed.recipients)} via {composed.smtp.where}")
    if not no_edition:  # what went out is an edition: later builds can say what changed since
        from briefgen.editions.publish import record_from
        from briefgen.files.root import shown

        recorded = record_from(workspace, composed.prepared, composed.data, "email")
        if recorded:
            typer.echo(f"edition recorded: {shown(recorded, workspace)}", err=True)  # as `diff` names it


