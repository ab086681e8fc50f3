"""`briefgen email`: drafts and delivery against a real SMTP server (aiosmtpd on 127.0.0.1).

Every produced message is parsed back with the standard library. TLS uses a throw-away CA made
by trustme: `send()` tests pass its context, CLI tests point SSL_CERT_FILE at it.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefgen.build.pipeline import BuildRequest
from briefgen.errors import InvalidInput
from briefgen.mail.addresses import parse_address, split_addresses
from briefgen.mail.compose import EmailRequest, compose
from briefgen.mail.message import Attachment, build_message, save_draft, size_check
from briefgen.mail.smtp import PASSWORD_ENV, DeliveryError, SmtpSettings, parse_smtp, send

AS_OF = "2026-11-26"
STEM = f"pakistan-kazakhstan-brief-{AS_OF}"
EPOCH = "1795651200"  # 2026-11-26T00:00:00Z: reproducible builds, so bytes can be compared
FROM = "Central Asia Desk <cad@example.org>"
TO = "desk@example.org"
CC = "archive@example.org"
PASSWORD = "s3cret-Pa55-word"
DEFAULT_SUBJECT = "[OFFICIAL-SENSITIVE] Pakistan–Kazakhstan brief (as of 26 November 2026)"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    return ctx


@pytest.fixture(scope="module")
def client_tls(ca):
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@pytest.fixture
def trust_ca(ca, tmp_path, monkeypatch):
    """Make the test CA the system's for the CLI (OpenSSL honours SSL_CERT_FILE)."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def password_authenticator(server, session, envelope, mechanism, auth_data):
    import os

    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"desk"
          and auth_data.password == os.environ.get("SERVER_EXPECTS", "").encode())
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture
def smtp_server():
    """`smtp_server(**controller_kwargs)` -> (port, sink); stopped after the test."""
    started = []

    def start(**kwargs):
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port, sink

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def ws(repo_workspace):
    return repo_workspace


@pytest.fixture
def built(ws, run_cli, tmp_path):
    """The brief built by `briefgen build` with the same options: {fmt: bytes}."""
    out = tmp_path / "built"
    code, _, err = run_cli("build", "--format", "pdf,docx", "--as-of", AS_OF, "--marking", "OFFICIAL-SENSITIVE",
                           "--out", str(out), "--workspace", str(ws))
    assert code == 0, err
    return {"pdf": (out / f"{STEM}.pdf").read_bytes(), "docx": (out / f"{STEM}.docx").read_bytes()}


def email_cli(run_cli, ws, *args, marking="OFFICIAL-SENSITIVE"):
    return run_cli("email", "--as-of", AS_OF, "--marking", marking, "--workspace", str(ws), *args)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def attachments(msg):
    return [(p.get_filename(), p.get_content_type(), p.get_content()) for p in msg.iter_attachments()]


def assert_structure(msg, content_types):
    assert msg.get_content_type() == "multipart/mixed"
    parts = list(msg.iter_parts())
    assert parts[0].get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parts[0].iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_content_type() for p in parts[1:]] == content_types
    for part in parts[1:]:
        assert part.get_content_disposition() == "attachment"
    assert msg["MIME-Version"] == "1.0"


def only_file(folder: Path) -> Path:
    files = [p for p in folder.iterdir()]
    assert len(files) == 1, files
    return files[0]


def nothing_written(*folders: Path) -> bool:
    return all(not f.exists() or not any(f.iterdir()) for f in folders)


# --- drafts in the outbox -------------------------------------------------------------------


def test_outbox_writes_a_draft_with_headers_parts_and_the_built_pdf(ws, run_cli, built, tmp_path):
    outbox = tmp_path / "outbox"
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--cc", CC, "--from", FROM, "--format", "pdf",
                               "--outbox", str(outbox))
    assert code == 0, err
    path = Path(out.strip())
    assert path == outbox / f"{STEM}.eml" and path.is_file()
    assert only_file(outbox) == path  # no temp files left behind
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout, as .eml readers expect
    msg = parse(raw)
    assert_structure(msg, [PDF])
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == DEFAULT_SUBJECT
    assert msg["From"].addresses[0].addr_spec == "cad@example.org"
    assert msg["From"].addresses[0].display_name == "Central Asia Desk"
    assert [a.addr_spec for a in msg["To"].addresses] == [TO]
    assert [a.addr_spec for a in msg["Cc"].addresses] == [CC]
    assert msg["Date"].datetime is not None
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.org>")
    assert attachments(msg) == [(f"{STEM}.pdf", PDF, built["pdf"])]


def test_cover_note_text_and_html(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--outbox", str(outbox))
    assert code == 0, err
    msg = parse(only_file(outbox).read_bytes())
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    folded = " ".join(text.split())
    assert "Please find attached the Pakistan–Kazakhstan brief (as of 26 November 2026), marked " \
           "OFFICIAL-SENSITIVE." in folded
    assert "Pakistan was among the first few countries to recognise Kazakhstan's independence, in December 1991" in folded
    assert "Sources current to 30 July 2022" in folded
    assert f"{STEM}.pdf" in text
    assert "Dear" not in text  # greeting-free
    assert "<strong>OFFICIAL-SENSITIVE</strong>" in html
    assert "Kazakhstan&#39;s independence" in html  # fact text is escaped
    assert "<li>" in html and "Sources current to 30 July 2022" in html
    assert all(len(line) <= 78 for line in text.splitlines())


def test_fact_text_is_escaped_in_html_and_plain_in_text(ws, run_cli, tmp_path):
    brief = ws / "data" / "briefs" / "pakistan-kazakhstan.yaml"
    text = brief.read_text(encoding="utf-8")
    assert text.count("and have friendly ties.") == 1
    brief.write_text(text.replace(
        "and have friendly ties.", r'and have <b>friendly</b> ties & \"trust\" <script>x()</script>.'),
        encoding="utf-8")
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--outbox", str(outbox))
    assert code == 0, err
    msg = parse(only_file(outbox).read_bytes())
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert "&lt;b&gt;friendly&lt;/b&gt; ties &amp; &#34;trust&#34; &lt;script&gt;" in html
    assert "<script>" not in html and "<b>" not in html
    assert '<b>friendly</b> ties & "trust" <script>x()</script>.' in " ".join(text.split())


def test_format_all_attaches_pdf_and_docx_with_their_content_types(ws, run_cli, built, tmp_path):
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--format", "all", "--outbox", str(outbox))
    assert code == 0, err
    msg = parse(only_file(outbox).read_bytes())
    assert_structure(msg, [PDF, DOCX])
    assert attachments(msg) == [(f"{STEM}.pdf", PDF, built["pdf"]), (f"{STEM}.docx", DOCX, built["docx"])]


def test_draft_without_sender_leaves_from_to_the_mail_program(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--outbox", str(outbox))
    assert code == 0, err
    msg = parse(only_file(outbox).read_bytes())
    assert msg["From"] is None and msg["X-Unsent"] == "1" and msg["Message-ID"]


def test_from_address_comes_from_briefgen_toml(ws, run_cli, tmp_path):
    toml = ws / "briefgen.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'from_address = "Desk <desk-out@example.org>"\n',
                    encoding="utf-8")
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--outbox", str(outbox))
    assert code == 0, err
    assert str(parse(only_file(outbox).read_bytes())["From"]) == "Desk <desk-out@example.org>"


def test_a_second_draft_never_replaces_the_first(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    first = email_cli(run_cli, ws, "--to", TO, "--outbox", str(outbox))
    second = email_cli(run_cli, ws, "--to", CC, "--outbox", str(outbox))
    assert first[0] == second[0] == 0
    assert sorted(p.name for p in outbox.iterdir()) == [f"{STEM}-2.eml", f"{STEM}.eml"]
    assert parse((outbox / f"{STEM}.eml").read_bytes())["To"] == TO


def test_subject_marking_and_non_ascii_round_trip(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    subject = "Бриф: Пакистан–Казахстан, état des lieux"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--subject", subject, "--outbox", str(outbox),
                             marking="OFFICIAL")
    assert code == 0, err
    raw = only_file(outbox).read_bytes()
    raw.decode("ascii")  # headers are RFC 2047 encoded, bodies quoted-printable or base64: 7-bit clean
    assert parse(raw)["Subject"] == f"[OFFICIAL] {subject}"


def test_custom_subject_that_carries_the_marking_is_kept(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--subject", "OFFICIAL-SENSITIVE: PK–KZ for the visit",
                             "--outbox", str(outbox))
    assert code == 0, err
    assert parse(only_file(outbox).read_bytes())["Subject"] == "OFFICIAL-SENSITIVE: PK–KZ for the visit"


def test_build_message_encodes_non_ascii_file_names_per_rfc_2231():
    name = "Пакистан–Казахстан брифинг.pdf"
    sender, _ = parse_address(FROM, "--from")
    to, _ = parse_address("Дипломат <dip@example.org>", "--to")
    msg = build_message(sender=sender, to=[to], subject="Тема", text="текст\n", html="<p>текст</p>\n",
                        attachments=[Attachment(name, b"%PDF-1.7 data", PDF)])
    raw = msg.as_bytes()
    # RFC 2231: charset'language'percent-encoded, split into numbered continuations when long
    assert b"filename*0*=utf-8''%D0%9F%D0%B0%D0%BA" in raw and b"filename*1*=" in raw
    raw.decode("ascii")
    back = parse(raw)
    assert_structure(back, [PDF])
    assert attachments(back) == [(name, PDF, b"%PDF-1.7 data")]
    assert back["To"].addresses[0].display_name == "Дипломат"
    assert back["Subject"] == "Тема"
    assert back["X-Unsent"] is None  # only drafts carry it


def test_short_non_ascii_file_name_is_one_rfc_2231_parameter():
    msg = build_message(sender=None, to=[TO], subject="s", text="t\n", html=None,
                        attachments=[Attachment("Бриф.pdf", b"x", PDF)])
    assert b"filename*=utf-8''%D0%91%D1%80%D0%B8%D1%84.pdf" in msg.as_bytes()
    assert parse(msg.as_bytes()).get_payload()[1].get_filename() == "Бриф.pdf"


def test_build_message_refuses_header_injection_itself():
    with pytest.raises(InvalidInput, match="line break"):
        build_message(sender=None, to=[TO], subject="x\r\nBcc: y@example.org", text="t", html=None)
    with pytest.raises(InvalidInput, match="line break"):
        build_message(sender=None, to=[TO], subject="x", text="t", html=None,
                      attachments=[Attachment("a\nb.pdf", b"x", PDF)])


def test_save_draft_marks_it_unsent(tmp_path):
    msg = build_message(sender=None, to=[TO], subject="Brief", text="t\n", html=None)
    path = save_draft(msg, tmp_path / "new" / "outbox", "brief")
    assert path.name == "brief.eml"
    assert parse(path.read_bytes())["X-Unsent"] == "1"
    assert msg["X-Unsent"] is None  # the message itself is unchanged


# --- refused before anything is written or sent ---------------------------------------------


def test_header_injection_in_subject_is_refused_with_nothing_written(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--subject", "x\r\nBcc: y@example.org",
                               "--outbox", str(outbox))
    assert code == 1
    assert "--subject contains a line break" in err and "Traceback" not in err
    assert out == "" and nothing_written(outbox)


def test_header_injection_refused_before_sending(ws, run_cli, smtp_server):
    port, sink = smtp_server()
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--subject", "x\nBcc: y@example.org",
                             "--smtp", f"127.0.0.1:{port}", "--smtp-security", "none")
    assert code == 1 and "line break" in err
    assert sink.envelopes == [] and nothing_written(ws / "outbox")


@pytest.mark.parametrize("option,value", [
    ("--to", "desk@example.org\r\nBcc: spy@example.org"),
    ("--from", "Desk <cad@example.org>\nBcc: spy@example.org"),
    ("--marking", "OFFICIAL\r\nBcc: spy@example.org"),
])
def test_line_breaks_in_any_header_value_are_refused(ws, run_cli, tmp_path, option, value):
    outbox = tmp_path / "outbox"
    args = {"--to": TO, "--from": FROM}
    args[option] = value
    marking = args.pop("--marking", "OFFICIAL")
    code, _, err = email_cli(run_cli, ws, *[x for kv in args.items() for x in kv], "--outbox", str(outbox),
                             marking=marking)
    assert code == 1 and f"{option} contains a line break" in err
    assert nothing_written(outbox)


def test_invalid_addresses_are_all_reported_and_nothing_is_written(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, out, err = email_cli(run_cli, ws, "--to", "not-an-address", "--to", TO, "--cc", "someone@",
                               "--from", "cad@example", "--outbox", str(outbox))
    assert code == 1
    assert "--to 'not-an-address' is not a valid email address" in err
    assert "--cc 'someone@' is not a valid email address" in err
    assert "--from 'cad@example' is not a valid email address" in err
    assert "3 problems found" in err and "Traceback" not in err
    assert out == "" and nothing_written(outbox)


def test_invalid_from_address_in_briefgen_toml_is_located(ws, run_cli, tmp_path):
    toml = ws / "briefgen.toml"
    text = toml.read_text(encoding="utf-8") + 'from_address = "the desk"\n'
    toml.write_text(text, encoding="utf-8")
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--outbox", str(tmp_path / "outbox"))
    assert code == 1
    assert f"briefgen.toml:{len(text.splitlines())}: from_address 'the desk' is not a valid email address" in err


def test_attachments_over_the_size_limit_are_refused(ws, run_cli, tmp_path):
    outbox = tmp_path / "outbox"
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--max-size", "0.01", "--outbox", str(outbox))
    assert code == 1
    assert "over the limit of 10 KB (--max-size)" in err
    assert nothing_written(outbox)


def test_size_warning_above_5_mb_and_limit():
    mb = 2**20
    big = [Attachment("a.pdf", bytes(6 * mb), PDF)]
    problems, warnings = size_check(big, 10 * mb)
    assert problems == [] and "6.0 MB" in warnings[0] and "8.2 MB" in warnings[0]
    problems, warnings = size_check(big, 5 * mb)
    assert "over the limit of 5.0 MB" in problems[0].message
    assert size_check([Attachment("a.pdf", bytes(1000), PDF)], 10 * mb) == ([], [])


def test_every_size_option_means_the_same_mb(ws, run_cli, monkeypatch, tmp_path):
    """MB is 2^20 bytes for `email --max-size` as for `sources add --max-size` and the file caps
    (it was 10^6 for one and 2^20 for the other), and the help of both says so."""
    import briefgen.mail.compose
    import briefgen.sources.add

    seen = {}

    def stop(what):
        def record(*args, **kw):
            seen[what] = kw.get("max_bytes") or args[0].max_size
            raise InvalidInput([])
        return record

    monkeypatch.setattr(briefgen.mail.compose, "compose", stop("email"))
    monkeypatch.setattr(briefgen.sources.add, "add_source", stop("sources"))
    email_cli(run_cli, ws, "--to", TO, "--max-size", "3", "--outbox", str(tmp_path / "o"))
    run_cli("sources", "add", "x.txt", "--max-size", "3", "--workspace", str(ws))
    assert seen == {"email": 3 * 2**20, "sources": 3 * 2**20}
    for command in (("email",), ("sources", "add")):
        _, out, _ = run_cli(*command, "--help")
        assert "1 MB = 1,048,576 bytes" in " ".join(out.replace("│", " ").split())


def test_only_pdf_and_docx_can_be_attached(ws, run_cli, tmp_path):
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--format", "md", "--outbox", str(tmp_path / "o"))
    assert code == 1 and "email attaches pdf or docx" in err


@pytest.mark.parametrize("args", [[], ["--outbox", "o", "--smtp", "127.0.0.1"]])
def test_exactly_one_of_outbox_and_smtp(ws, run_cli, args):
    code, _, err = email_cli(run_cli, ws, "--to", TO, *args)
    assert code == 2 and "--outbox" in err


def test_sending_needs_a_sender(ws, run_cli, smtp_server):
    port, sink = smtp_server()
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--smtp", f"127.0.0.1:{port}", "--smtp-security", "none")
    assert code == 1 and "sending needs a sender address" in err
    assert sink.envelopes == []


def test_login_without_password_in_the_environment_is_refused(ws, run_cli, smtp_server):
    port, sink = smtp_server()
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}",
                             "--smtp-user", "desk")
    assert code == 1 and PASSWORD_ENV in err
    assert sink.envelopes == [] and nothing_written(ws / "outbox")


def test_parse_smtp_hosts_ports_and_security():
    assert parse_smtp("mail.example.org")[0].port == 587
    assert parse_smtp("mail.example.org", "ssl")[0].port == 465
    assert parse_smtp("mail.example.org", "none")[0].port == 25
    s = parse_smtp("[::1]:2525", "none")[0]
    assert (s.host, s.port, s.where, s.is_loopback) == ("::1", 2525, "[::1]:2525", True)
    assert parse_smtp("localhost:25")[0].is_loopback
    assert not parse_smtp("mail.example.org:25")[0].is_loopback
    for bad in ("mail.example.org:0", "mail.example.org:smtp", "user@mail.example.org", ""):
        assert parse_smtp(bad)[0] is None
    assert "--smtp-security must be one of" in parse_smtp("x.org", "tls")[1][0].message
    settings = parse_smtp("x.org", user="desk", password=PASSWORD)[0]
    assert PASSWORD not in repr(settings)


def test_split_addresses_keeps_quoted_commas():
    assert split_addresses('a@x.org; B <b@y.org>, "Doe, J" <j@z.org>') == \
        ["a@x.org", "B <b@y.org>", '"Doe, J" <j@z.org>']


def test_sending_in_clear_to_a_remote_host_warns(ws):
    composed = compose(EmailRequest(
        build=BuildRequest(workspace=ws, as_of=None, formats=("pdf",)), to=(TO,), sender=FROM,
        smtp="mail.example.org:25", smtp_security="none", smtp_user="desk", password=PASSWORD))
    assert any("without encryption" in w and "password" in w for w in composed.warnings)
    assert PASSWORD not in " ".join(composed.warnings)


# --- sending --------------------------------------------------------------------------------


def test_plain_smtp_to_loopback_delivers(ws, run_cli, built, smtp_server):
    port, sink = smtp_server()
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--cc", CC, "--from", FROM, "--format", "pdf",
                               "--smtp", f"127.0.0.1:{port}", "--smtp-security", "none")
    assert code == 0, err
    assert err == "edition recorded: editions/pakistan-kazakhstan/2026-11-26.json\n"  # loopback: no warning about sending in clear
    assert out.strip() == f"sent to {TO}, {CC} via 127.0.0.1:{port}"
    [envelope] = sink.envelopes
    assert envelope.mail_from == "cad@example.org"
    assert envelope.rcpt_tos == [TO, CC]
    msg = parse(envelope.content)
    assert_structure(msg, [PDF])
    assert msg["X-Unsent"] is None
    assert msg["Subject"] == DEFAULT_SUBJECT
    assert attachments(msg) == [(f"{STEM}.pdf", PDF, built["pdf"])]
    assert nothing_written(ws / "outbox")


def test_starttls_delivers_and_trusts_ssl_cert_file(ws, run_cli, smtp_server, server_tls, trust_ca):
    port, sink = smtp_server(tls_context=server_tls, require_starttls=True)
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}")
    assert code == 0, err
    assert len(sink.envelopes) == 1


def test_implicit_tls_delivers(ws, run_cli, smtp_server, server_tls, trust_ca):
    port, sink = smtp_server(ssl_context=server_tls)
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}",
                               "--smtp-security", "ssl")
    assert code == 0, err
    assert parse(sink.envelopes[0].content)["To"] == TO


def test_send_with_a_given_ssl_context(smtp_server, server_tls, client_tls):
    port, sink = smtp_server(tls_context=server_tls, require_starttls=True)
    msg = build_message(sender="cad@example.org", to=[TO], subject="s", text="t\n", html=None)
    send(msg, SmtpSettings("127.0.0.1", port, "starttls", ssl_context=client_tls))
    assert sink.envelopes[0].mail_from == "cad@example.org"


def test_login_over_starttls_with_password_from_the_environment(ws, run_cli, smtp_server, server_tls, trust_ca,
                                                                  monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv("SERVER_EXPECTS", PASSWORD)
    port, sink = smtp_server(tls_context=server_tls, require_starttls=True, auth_required=True,
                             authenticator=password_authenticator)
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}",
                               "--smtp-user", "desk")
    assert code == 0, err
    assert len(sink.envelopes) == 1
    assert PASSWORD not in out + err


def test_login_refused_saves_the_draft_and_says_where(ws, run_cli, smtp_server, server_tls, trust_ca, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv("SERVER_EXPECTS", "another-password")
    port, sink = smtp_server(tls_context=server_tls, require_starttls=True, auth_required=True,
                             authenticator=password_authenticator)
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}",
                               "--smtp-user", "desk")
    assert code == DeliveryError.exit_code == 3
    assert f"127.0.0.1:{port} refused the login for user 'desk' (535" in err
    draft = ws / "outbox" / f"{STEM}.eml"
    assert f"saved as a draft in {draft}" in err
    assert PASSWORD not in out + err and "Traceback" not in err
    assert sink.envelopes == []
    msg = parse(draft.read_bytes())
    assert msg["X-Unsent"] == "1" and msg["Subject"] == DEFAULT_SUBJECT


def test_server_down_saves_the_draft_in_the_outbox(ws, run_cli, built):
    port = free_port()  # nothing listens there
    code, out, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}",
                               "--smtp-security", "none")
    assert code == 3
    assert f"cannot connect to 127.0.0.1:{port}: connection refused" in err
    draft = ws / "outbox" / f"{STEM}.eml"
    assert f"saved as a draft in {draft}" in err and out == ""
    msg = parse(draft.read_bytes())
    assert msg["X-Unsent"] == "1"
    assert attachments(msg) == [(f"{STEM}.pdf", PDF, built["pdf"])]


def test_untrusted_certificate_fails_and_keeps_a_draft(ws, run_cli, smtp_server, server_tls):
    port, sink = smtp_server(tls_context=server_tls, require_starttls=True)
    code, _, err = email_cli(run_cli, ws, "--to", TO, "--from", FROM, "--smtp", f"127.0.0.1:{port}")
    assert code == 3
    assert "TLS certificate of 127.0.0.1 is not trusted" in err
    assert (ws / "outbox" / f"{STEM}.eml").is_file()
    assert sink.envelopes == []


def test_starttls_refused_when_the_server_does_not_offer_it(smtp_server, tmp_path):
    port, sink = smtp_server()
    msg = build_message(sender="cad@example.org", to=[TO], subject="s", text="t\n", html=None)
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send(msg, SmtpSettings("127.0.0.1", port, "starttls"))
    assert sink.envelopes == []


def test_implicit_tls_against_a_plain_port_is_explained(smtp_server):
    port, _ = smtp_server()
    msg = build_message(sender="cad@example.org", to=[TO], subject="s", text="t\n", html=None)
    with pytest.raises(DeliveryError, match="TLS with 127.0.0.1"):
        send(msg, SmtpSettings("127.0.0.1", port, "ssl", connect_timeout=5))


def test_partly_refused_recipients_keep_a_draft(smtp_server, tmp_path):
    class Picky(Sink):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("gone"):
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    picky = Picky()
    port = free_port()
    controller = Controller(picky, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from briefgen.mail.smtp import deliver

        msg = build_message(sender="cad@example.org", to=[TO, "gone@example.org"], subject="s", text="t\n",
                            html=None)
        with pytest.raises(DeliveryError) as exc:
            deliver(msg, SmtpSettings("127.0.0.1", port, "none"), tmp_path / "outbox", "brief")
    finally:
        controller.stop()
    assert f"accepted the message for {TO} but refused gone@example.org (550 No such user)" in exc.value.message
    assert (tmp_path / "outbox" / "brief.eml").is_file()


def test_a_server_that_never_answers_times_out(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the connection; nobody ever sends the greeting
        port = silent.getsockname()[1]
        msg = build_message(sender="cad@example.org", to=[TO], subject="s", text="t\n", html=None)
        with pytest.raises(DeliveryError) as exc:
            from briefgen.mail.smtp import deliver

            deliver(msg, SmtpSettings("127.0.0.1", port, "none", connect_timeout=0.5), tmp_path / "outbox", "brief")
    assert f"127.0.0.1:{port} did not answer within 0.5 seconds" in exc.value.message
    assert f"saved as a draft in {tmp_path / 'outbox' / 'brief.eml'}" in exc.value.message


def test_briefgen_toml_is_read_once_per_email_run(ws, run_cli, monkeypatch, tmp_path):
    """The settings are loaded once and passed down: the sender, the marking and the build use that
    one reading (it was read up to four times), also when an error must name a setting's line."""
    import os

    real_open = os.open
    opened = []

    def counting_open(path, *args, **kw):
        if os.fspath(path).endswith("briefgen.toml"):
            opened.append(path)
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", counting_open)
    settings = ws / "briefgen.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'from_address = "Desk <desk@example.org>"\n',
                        encoding="utf-8")
    code, out, err = run_cli("email", "--as-of", AS_OF, "--workspace", str(ws), "--to", TO,
                             "--outbox", str(tmp_path / "o"))
    assert code == 0, err
    assert len(opened) == 1
    opened.clear()
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("locale ="))
    lines[at] = 'locale = "xx_YY"\n'
    settings.write_text("".join(lines), encoding="utf-8")
    code, out, err = run_cli("email", "--as-of", AS_OF, "--workspace", str(ws), "--to", TO,
                             "--outbox", str(tmp_path / "o"))
    assert code == 1 and f"briefgen.toml:{at + 1}: unknown locale 'xx_YY'" in err, err
    assert len(opened) == 1
