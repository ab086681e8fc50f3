"""The preview's HTTP server: the standard library's threading server on the loopback interface.

Changes reach the browser as Server-Sent Events: the push runs one way (server to page), EventSource
reconnects by itself after a restart, and it is plain HTTP that `http.server` serves without another
dependency; a WebSocket would add a library (or hand-written framing) for a channel back that the
preview has no use for. Each open page holds one streaming request (one thread).

Routes: `/` the briefs; `/brief/ID/` the page, `view` the brief's HTML, `events` the stream,
`STEM.pdf` / `STEM.docx` the files of the current state (from memory: nothing is written to disk);
`/file/PATH` a workspace file with line numbers (the places that problems and notes point to);
`/_/NAME` the page's script and styles.
"""

from __future__ import annotations

import errno
import json
import socket
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from string import Template
from urllib.parse import unquote, urlsplit

from briefgen.errors import BriefgenError, ExitCode
from briefgen.files.root import FileRefused, Root, printable
from briefgen.preview.session import Session, Snapshot

KEEPALIVE_SECONDS = 15  # a comment line on an idle stream, so a closed tab ends its thread
ASSETS = {"preview.js": "text/javascript", "preview.css": "text/css"}
TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# What a workspace file is read as (its size cap), by where it lies; the file view shows nothing else.
VIEWABLE = {"data/": "facts", "seeds/": "source", "templates/": "template", "briefgen.toml": "settings"}
# The page may load only what this server serves; the brief's links open outside it.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


class PortInUse(BriefgenError):
    """The port is taken by another program (or not ours to use): nothing could be served."""

    exit_code = ExitCode.NOT_WRITTEN


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams do not keep the process alive at Ctrl+C
    allow_reuse_address = False  # two previews on one port would split the requests between them

    def __init__(self, address: tuple[str, int], session: Session):
        self.session = session
        try:
            super().__init__(address, Handler)
        except OSError as exc:
            host, port = address
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} is already in use (another preview or program); "
                                f"choose another with --port, e.g. --port {port + 1}") from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise PortInUse(f"not allowed to listen on port {port} (ports below 1024 need privileges); "
                                "choose another with --port") from None
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    def handle_error(self, request, client_address) -> None:
        """A request that failed in a way the handler did not foresee: one line on the terminal, not
        socketserver's traceback (the preview goes on serving)."""
        import sys

        exc = sys.exc_info()[1]
        if not isinstance(exc, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            print(f"warning: a request failed: {type(exc).__name__}: {printable(exc)}", file=sys.stderr)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


def make_server(host: str, port: int, session: Session) -> PreviewServer:
    if ":" in host:
        PreviewServer.address_family = socket.AF_INET6
    return PreviewServer((host, port), session)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "briefgen-preview"

    def log_message(self, format, *args) -> None:  # the terminal is for the preview's own lines
        pass

    def do_GET(self) -> None:
        if not self._host_allowed():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"this preview answers only on its own address\n")
        path = unquote(urlsplit(self.path).path)
        parts = path.lstrip("/").split("/")
        try:
            if path == "/":
                return self._index()
            if parts[0] == "_" and len(parts) == 2 and parts[1] in ASSETS:
                return self._send(HTTPStatus.OK, files("briefgen.preview").joinpath("assets", parts[1]).read_bytes(),
                                  ASSETS[parts[1]] + "; charset=utf-8")
            if parts[0] == "file" and len(parts) > 1:
                return self._file("/".join(parts[1:]))
            if parts[0] == "brief" and len(parts) in (2, 3):
                brief_id = parts[1]
                if len(parts) == 2:
                    return self._redirect(f"/brief/{brief_id}/")
                return self._brief(brief_id, parts[2])
        except (BrokenPipeError, ConnectionResetError):
            return
        self._send(HTTPStatus.NOT_FOUND, b"not found\n")

    def _host_allowed(self) -> bool:
        """Only requests addressed to this server by a loopback name: another site open in the same
        browser cannot reach the preview through a name it controls (DNS rebinding)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("localhost", "127.0.0.1", "::1", self.server.server_address[0])

    def _brief(self, brief_id: str, what: str) -> None:
        session = self.server.session
        briefs, problems = session.listing()  # with problems, a brief not listed may still be there
        if brief_id not in [b for b, _, _ in briefs] and not problems and brief_id != session.request.brief:
            return self._send(HTTPStatus.NOT_FOUND, f"no brief '{brief_id}' in this workspace\n".encode())
        if what == "":
            session.snapshot(brief_id)  # built now, so the page and its frame come at once
            title = next((t for b, t, _ in briefs if b == brief_id), brief_id)
            page = Template(files("briefgen.preview").joinpath("assets", "page.html").read_text("utf-8"))
            body = page.substitute(title=escape(title), brief=escape(brief_id)).encode()
            return self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")
        if what == "view":
            snap = session.snapshot(brief_id)
            html = snap.html or _placeholder("No preview yet: the brief has problems (listed above).")
            return self._send(HTTPStatus.OK, html, "text/html; charset=utf-8")
        if what == "events":
            return self._events(brief_id)
        stem, _, fmt = what.rpartition(".")
        snap = session.snapshot(brief_id)
        if fmt in TYPES and stem == snap.stem:
            if fmt not in snap.files:
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, f"the {fmt.upper()} of this version is "
                                  "being written (or the brief has problems); try again in a moment\n".encode())
            return self._send(HTTPStatus.OK, snap.files[fmt], TYPES[fmt],
                              {"Content-Disposition": f'inline; filename="{what}"'})
        self._send(HTTPStatus.NOT_FOUND, b"not found\n")

    def _events(self, brief_id: str) -> None:
        session = self.server.session
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        session.watching(brief_id, +1)
        sent_seq, sent_version = -1, -1
        try:
            while not session.stopped:
                snap = session.snapshot(brief_id)
                if snap.seq != sent_seq:
                    self.wfile.write(_event(snap, with_html=snap.version != sent_version))
                    sent_seq, sent_version = snap.seq, snap.version
                else:
                    self.wfile.write(b": idle\n\n")
                self.wfile.flush()
                session.wait(sent_seq, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        finally:
            session.watching(brief_id, -1)

    def _index(self) -> None:
        session = self.server.session
        if session.request.brief:
            return self._redirect(f"/brief/{session.request.brief}/")
        briefs, problems = session.listing()
        items = "".join(f'<li><a href="/brief/{escape(b)}/">{escape(t)}</a> <small>{escape(f)}</small></li>'
                        for b, t, f in briefs)
        wrong = "".join(f"<li>{escape(str(p))}</li>" for p in problems)
        body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>briefgen preview</title>'
                f'<link rel="stylesheet" href="/_/preview.css"></head><body><div id="bar"><h1>Briefs of this '
                f'workspace</h1></div><main style="padding:1em"><ul>{items}</ul>'
                + (f'<section id="problems" role="alert"><h2>Problems</h2><ul>{wrong}</ul></section>' if wrong else "")
                + "</main></body></html>")
        self._send(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8")

    def _file(self, rel: str) -> None:
        kind = next((k for prefix, k in VIEWABLE.items() if rel == prefix or rel.startswith(prefix)), None)
        if kind is None or ".." in rel.split("/"):
            return self._send(HTTPStatus.NOT_FOUND, b"only the workspace's data, seeds, templates and settings "
                                                    b"are shown here\n")
        try:
            text = Root(self.server.session.request.workspace).read_text(rel, kind)
        except (FileRefused, OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
            return self._send(HTTPStatus.NOT_FOUND, f"{printable(exc)}\n".encode())
        rows = "".join(f'<tr id="L{n}"><td><a href="#L{n}">{n}</a></td><td>{escape(line)}</td></tr>'
                       for n, line in enumerate(text.splitlines() or [""], start=1))
        body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(rel)}</title>'
                '<style>body{margin:0;font:13px/1.45 ui-monospace,monospace}h1{font:600 14px system-ui;'
                'padding:.5em 1em;margin:0;background:#1d2733;color:#fff;position:sticky;top:0}'
                'td{vertical-align:top;white-space:pre-wrap;padding:0 .6em}td:first-child{text-align:right;'
                'color:#8a96a3;user-select:none}td:first-child a{color:inherit;text-decoration:none}'
                'tr{scroll-margin-top:3em}tr:target{background:#fff3b0}</style></head><body>'
                f"<h1>{escape(rel)}</h1><table>{rows}</table></body></html>")
        self._send(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8")

    def _redirect(self, where: str) -> None:
        self._send(HTTPStatus.SEE_OTHER, b"", headers={"Location": where})

    def _send(self, status: HTTPStatus, body: bytes, content_type: str = "text/plain; charset=utf-8",
              headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _event(snap: Snapshot, with_html: bool) -> bytes:
    state = {"seq": snap.seq, "version": snap.version, "stem": snap.stem, "title": snap.title,
             "writing": snap.writing, "stale": snap.stale,
             "files": sorted(snap.files),
             "problems": [{"file": p.location.path if p.location else None,
                           "line": p.location.line if p.location else None, "message": p.message}
                          for p in snap.problems],
             "warnings": list(snap.warnings)}
    if with_html:
        state["html"] = (snap.html or _placeholder("No preview yet: the brief has problems.")).decode("utf-8")
        state["notes"] = snap.notes
    return f"event: state\ndata: {json.dumps(state, ensure_ascii=False)}\n\n".encode("utf-8")


def _placeholder(text: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>no preview</title></head>'
            f'<body><p style="font-family:sans-serif;color:#555;margin:3em">{escape(text)}</p></body></html>').encode()
