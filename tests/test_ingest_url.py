"""The guarded URL fetch.  No network: refusals are checked on IP literals, fetches
against a tiny http.server on 127.0.0.1 with the guard relaxed (allow_private=True)."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tosaudit.errors import InputError
from tosaudit.ingest import load_url
from tosaudit.ingest.url import check_url, fetch, fetch_document

HTML = ("<html><head><title>AGB</title></head><body><nav>Menü</nav><main><h1>AGB</h1>"
        "<p>(1) Die Datensicherung obliegt dem Kunden.</p><p>(2) Änderungen sind möglich.</p></main>"
        "</body></html>").encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        path = self.path
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", "/agb.html" if n == 0 else f"/redirect/{n - 1}")
            self.end_headers()
            return
        if path == "/to-file":
            self.send_response(301)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if path == "/to-private":
            self.send_response(307)
            self.send_header("Location", "http://10.0.0.1/agb.html")
            self.end_headers()
            return
        if path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x" * 10_000)
            return
        if path == "/gzip":
            body = gzip.compress(HTML)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/latin1":
            body = "<html><body><p>Gebühr für Änderungen</p></body></html>".encode("latin-1")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=iso-8859-1")
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/agb.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(HTML)))
            self.end_headers()
            self.wfile.write(HTML)
            return
        if path == "/empty":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(404)
        self.end_headers()


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("url,words", [
    ("http://127.0.0.1/agb", "loopback"),
    ("http://127.0.0.1:8080/agb", "loopback"),
    ("http://[::1]/agb", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://10.0.0.1/agb", "private"),
    ("http://192.168.1.10/", "private"),
    ("http://172.16.0.5/", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://100.64.0.1/", "non-public"),
    ("ftp://example.org/agb.pdf", "'ftp:' is not supported"),
    ("file:///etc/passwd", "'file:' is not supported"),
    ("javascript:alert(1)", "not supported"),
    ("example.org/agb", "no scheme"),
    ("http://user:secret@example.org/", "user name or password"),
    ("http:///agb", "no host"),
])
def test_guard_refuses(url, words):
    with pytest.raises(InputError) as ei:
        load_url(url)
    assert words in ei.value.reason
    assert "\n" not in str(ei.value)


def test_guard_accepts_public_ip_literal():
    scheme, host, port, path, addrs = check_url("https://93.184.215.14:8443/a?b=1")
    assert (scheme, host, port, path, addrs) == ("https", "93.184.215.14", 8443, "/a?b=1", ["93.184.215.14"])


def test_fetch_local_html(server):
    doc = fetch_document(server + "/agb.html", allow_private=True)
    assert doc.source.kind == "url" and doc.source.url == server + "/agb.html"
    assert doc.source.name == server + "/agb.html"
    assert doc.source.extractor.startswith("beautifulsoup4")
    assert doc.text == "AGB\n(1) Die Datensicherung obliegt dem Kunden.\n(2) Änderungen sind möglich."
    assert doc.source.size == len(HTML)


def test_fetch_follows_redirects_and_rechecks(server):
    doc = fetch_document(server + "/redirect/4", allow_private=True)
    assert doc.source.url == server + "/agb.html"
    with pytest.raises(InputError, match="too many redirects"):
        fetch(server + "/redirect/5", allow_private=True)
    with pytest.raises(InputError, match="'file:' is not supported"):
        fetch(server + "/to-file", allow_private=True)


def test_redirect_to_private_address_is_refused(server):
    # the test server itself is allowed; the redirect target is checked again with the strict guard
    from tosaudit.ingest import url as url_mod

    real = url_mod.check_url
    calls = []

    def strict_after_first(u, *, allow_private=False):
        calls.append(u)
        return real(u, allow_private=len(calls) == 1)

    url_mod.check_url = strict_after_first
    try:
        with pytest.raises(InputError, match="private address"):
            fetch(server + "/to-private", allow_private=True)
    finally:
        url_mod.check_url = real


def test_fetch_limits(server):
    with pytest.raises(InputError, match="larger than"):
        fetch(server + "/big", max_bytes=50_000, allow_private=True)
    with pytest.raises(InputError, match="larger than"):
        fetch(server + "/agb.html", max_bytes=100, allow_private=True)  # Content-Length says so
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(server + "/missing", allow_private=True)
    with pytest.raises(InputError, match="empty"):
        fetch_document(server + "/empty", allow_private=True)


def test_fetch_gzip_and_charset(server):
    doc = fetch_document(server + "/gzip", allow_private=True)
    assert "Datensicherung" in doc.text
    doc = fetch_document(server + "/latin1", allow_private=True)
    assert doc.text == "Gebühr für Änderungen"


def test_connection_refused_is_an_input_error():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(InputError, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=5)
