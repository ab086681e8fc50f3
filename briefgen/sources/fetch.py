"""Fetching one source document over HTTP(S) for `briefgen sources add`.

The only place briefgen goes on the network: `check` and `build` read the workspace alone. A
fetch is bounded every way a hostile or broken server could stretch it: http/https only (also
after redirects), a limited number of redirects, a timeout for every wait and for the whole
download, and a size cap checked against Content-Length and again while reading.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import BadStatusLine, HTTPException, IncompleteRead
from urllib.parse import urljoin, urlsplit

from briefgen import __version__
from briefgen.errors import BriefgenError

TIMEOUT = 30.0  # seconds: for each wait on the server, and for the whole download
MAX_BYTES = 50 * 1024 * 1024  # a press release or joint statement; far larger is a mistake
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class FetchError(BriefgenError):
    """A URL could not be fetched; nothing was written."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str  # after redirects: the address the document was actually read from
    content_type: str  # media type without parameters, lower case ('' when the server sent none)
    charset: str | None


def is_url(text: str) -> bool:
    try:
        return urlsplit(text).scheme.lower() in ("http", "https") or "://" in text
    except ValueError:  # "http://[::1": a malformed address is still meant as one
        return "://" in text


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES, max_redirects: int = MAX_REDIRECTS) -> Fetched:
    """GET `url` and return its body, or raise FetchError saying why not. `timeout` bounds every
    wait and the whole exchange: a server sending its headers a byte a second is stopped too."""
    from briefgen.runtime import TimeLimit, time_limit

    _check_scheme(url, url)
    try:
        with time_limit(timeout + 1) as limit:  # a second's grace: the reads' own deadline says it more precisely
            return _fetch(url, timeout, max_bytes, max_redirects)
    except TimeLimit:
        raise FetchError(f"cannot fetch {url}: no complete answer within {timeout:g} seconds") from None
    except FetchError:
        if limit.expired:  # the limit struck inside a handler that made its own error
            raise FetchError(f"cannot fetch {url}: no complete answer within {timeout:g} seconds") from None
        raise


def _fetch(url: str, timeout: float, max_bytes: int, max_redirects: int) -> Fetched:
    opener = urllib.request.build_opener(_redirects(url, max_redirects))
    request = urllib.request.Request(url, headers={"User-Agent": f"briefgen/{__version__} (source intake)",
                                                   "Accept": "text/html, application/pdf, application/"
                                                             "vnd.openxmlformats-officedocument.wordprocessingml"
                                                             ".document, text/plain;q=0.9, */*;q=0.5"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"cannot fetch {url}: the document is {_mb(int(length))}, more than the "
                                 f"{_mb(max_bytes)} allowed")
            data = _read_capped(response, url, max_bytes, deadline, timeout)
            if length and length.isdigit() and len(data) < int(length):
                raise FetchError(f"cannot fetch {url}: the server sent {len(data):,} of the {int(length):,} bytes it "
                                 "announced and closed the connection; try again later")
            data = _decoded(data, response.headers.get("Content-Encoding", ""), url, max_bytes)
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            return Fetched(data, response.geturl(), content_type, response.headers.get_content_charset())
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400 and "infinite loop" in str(exc.msg):
            raise FetchError(f"cannot fetch {url}: more than {max_redirects} redirects") from None
        raise FetchError(f"cannot fetch {url}: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"cannot fetch {url}: no answer within {timeout:g} seconds") from None
        raise FetchError(f"cannot fetch {url}: {getattr(reason, 'strerror', None) or reason}") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"cannot fetch {url}: no answer within {timeout:g} seconds") from None
    except IncompleteRead:
        raise FetchError(f"cannot fetch {url}: the server closed the connection before sending the whole document; "
                         "try again later") from None
    except BadStatusLine:  # the answer is not HTTP: never print it (it may be anything, and long)
        raise FetchError(f"cannot fetch {url}: the server did not answer in HTTP; is the address right "
                         "(http:// or https://, and the port)?") from None
    except (HTTPException, OSError, ValueError) as exc:
        raise FetchError(f"cannot fetch {url}: {_short(str(exc)) or type(exc).__name__}") from None


def _short(text: str, most: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most] + "…"


def _read_capped(response, url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:  # a server dribbling bytes never trips the per-read timeout
            raise FetchError(f"cannot fetch {url}: the download took longer than {timeout:g} seconds")
        chunk = response.read1(_CHUNK)  # returns what has arrived: read() would wait for a whole chunk
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"cannot fetch {url}: the document is larger than the {_mb(max_bytes)} allowed")
        chunks.append(chunk)


def _decoded(data: bytes, encoding: str, url: str, max_bytes: int) -> bytes:
    """The body a server compressed although it was not asked to, uncompressed within the size cap
    (a small gzip body can unpack to gigabytes)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"cannot fetch {url}: the server sent it compressed as '{encoding}', which briefgen "
                         "cannot read")
    wbits = zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS  # +32: gzip or zlib header
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        try:  # some servers send raw deflate without the zlib header
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = inflater.decompress(data, max_bytes + 1)
        except zlib.error:
            raise FetchError(f"cannot fetch {url}: the server's compressed answer is damaged") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise FetchError(f"cannot fetch {url}: the document is larger than the {_mb(max_bytes)} allowed")
    return out


def _check_scheme(url: str, asked: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # "http://[::1": an unclosed bracket, a bad port
        raise FetchError(f"cannot fetch {asked}: {'it redirects to ' + url + ', which' if url != asked else 'it'} "
                         f"is not a valid web address ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        if url == asked:
            raise FetchError(f"cannot fetch {url}: only http:// and https:// addresses can be fetched")
        raise FetchError(f"cannot fetch {asked}: it redirects to {url}; only http:// and https:// addresses "
                         "can be fetched")


def _redirects(asked: str, limit: int) -> urllib.request.HTTPRedirectHandler:
    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = limit
        max_repeats = limit

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            _check_scheme(newurl, asked)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

        def http_error_302(self, req, fp, code, msg, headers):
            # urllib refuses some schemes itself with an unclear message: say it first, clearly
            location = headers.get("location") or headers.get("uri")
            if location:
                _check_scheme(urljoin(req.full_url, location), asked)
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return Redirects()


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n:,} bytes"
