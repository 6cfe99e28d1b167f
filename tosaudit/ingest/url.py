"""Guarded fetch of a contract over http(s): the only network access tosaudit makes.

Guard:
* http and https only; no user name or password in the URL;
* the host is resolved and *every* address must be public: private, loopback,
  link-local, reserved, multicast, unspecified and shared (CGN) addresses are
  refused (IPv4-mapped IPv6 addresses are checked as IPv4);
* the connection goes to the address that was checked (no second DNS lookup, so
  DNS rebinding cannot swap in an internal address); TLS still verifies the
  certificate against the host name;
* redirects are followed by hand, at most 5, and each target is checked again;
* the body is read in chunks and the download stops at ``max_bytes``; the whole
  fetch has one deadline (``timeout`` seconds), each socket operation too.

Built on the standard library only (urllib.parse, http.client, ssl, socket,
ipaddress): ``urllib.request`` would resolve the host again after our check and
follow redirects on its own, so the connection is opened here with
``http.client`` on the checked address.  No proxy is used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from typing import Callable
from urllib.parse import urljoin, urlsplit

from tosaudit.errors import InputError

MAX_REDIRECTS = 5
USER_AGENT = "tosaudit/0.1 (contract terms audit; +https://example.invalid/tosaudit)"

_CTYPE_KIND = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def _bad_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


def check_url(url: str, *, allow_private: bool = False) -> tuple[str, str, int, str, list[str]]:
    """Validate ``url``; return (scheme, host, port, path+query, checked addresses)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise InputError(url, "not a valid URL; give an address that starts with https://") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise InputError(url, f"{shown} is not supported; only http:// and https:// addresses can be fetched")
    if parts.username or parts.password:
        raise InputError(url, "addresses with a user name or password are not supported; remove them")
    host = parts.hostname
    if not host:
        raise InputError(url, "the address has no host name; check the URL")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise InputError(url, "the port in the address is not valid; check the URL") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise InputError(url, f"the host '{host}' could not be resolved; check the address and the network") from None
    addrs: list[str] = []
    for info in infos:
        addr = info[4][0]
        try:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
        except ValueError:
            raise InputError(url, f"the host '{host}' resolved to an address that cannot be checked") from None
        why = _bad_ip(ip)
        if why and not allow_private:
            raise InputError(url, f"refused: '{host}' points to {why} ({ip}); only public web addresses are fetched")
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise InputError(url, f"the host '{host}' could not be resolved; check the address and the network")
    return scheme, host, port, path, addrs


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, addr, timeout):
        super().__init__(host, port, timeout=timeout)
        self._addr = addr

    def connect(self):
        self.sock = socket.create_connection((self._addr, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, addr, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._addr = addr
        self._ctx = context

    def connect(self):
        sock = socket.create_connection((self._addr, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, *, max_bytes: int = 10_000_000, timeout: float = 20.0,
          allow_private: bool = False) -> tuple[bytes, str, str | None, str | None]:
    """Fetch ``url``; return (body, final url, kind from Content-Type or None, charset or None).

    ``allow_private`` is for tests against a local server only.
    """
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path, addrs = check_url(current, allow_private=allow_private)
        left = deadline - time.monotonic()
        if left <= 0:
            raise InputError(url, f"no answer within {timeout:g} s; try again later or save the page and load the file")
        conn = None
        last_err: Exception | None = None
        for addr in addrs:
            try:
                if scheme == "https":
                    conn = _PinnedHTTPS(host, port, addr, left, ssl.create_default_context())
                else:
                    conn = _PinnedHTTP(host, port, addr, left)
                conn.putrequest("GET", path, skip_accept_encoding=True)
                conn.putheader("User-Agent", USER_AGENT)
                conn.putheader("Accept", "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5")
                conn.putheader("Accept-Encoding", "gzip, identity")
                conn.putheader("Connection", "close")
                conn.endheaders()
                resp = conn.getresponse()
                break
            except ssl.SSLCertVerificationError:
                raise InputError(url, f"the TLS certificate of '{host}' could not be verified; check the address") from None
            except ssl.SSLError as e:
                last_err = e
            except (socket.timeout, TimeoutError):
                raise InputError(url, f"no answer within {timeout:g} s; try again later or save the page and load the file") from None
            except (OSError, http.client.HTTPException) as e:
                last_err = e
            if conn is not None:
                conn.close()
            conn = None
        if conn is None:
            reason = type(last_err).__name__ if last_err else "no connection"
            if isinstance(last_err, ConnectionRefusedError):
                reason = "connection refused"
            raise InputError(url, f"could not connect to '{host}' ({reason}); check the address or try again later")
        try:
            status = resp.status
            if status in (301, 302, 303, 307, 308):
                loc = resp.getheader("Location")
                if not loc:
                    raise InputError(url, f"the server sent a redirect ({status}) without a target")
                current = urljoin(current, loc.strip())
                continue
            if status >= 400:
                raise InputError(url, f"the server answered HTTP {status} ({resp.reason}); check the address")
            if status != 200:
                raise InputError(url, f"the server answered HTTP {status} ({resp.reason}), not a page")
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(url, _too_big(max_bytes))
            body = _read_bounded(resp, max_bytes, deadline, url, timeout)
            encoding = (resp.getheader("Content-Encoding") or "").lower().strip()
            if encoding in ("gzip", "x-gzip", "deflate"):
                body = _inflate(body, encoding, max_bytes, url)
            elif encoding not in ("", "identity"):
                raise InputError(url, f"the server sent an unsupported encoding '{encoding}'")
            ctype = resp.getheader("Content-Type") or ""
            mime = ctype.split(";", 1)[0].strip().lower()
            charset = None
            for param in ctype.split(";")[1:]:
                k, _, v = param.partition("=")
                if k.strip().lower() == "charset":
                    charset = v.strip().strip('"\'') or None
            return body, current, _CTYPE_KIND.get(mime), charset
        finally:
            conn.close()
    raise InputError(url, f"too many redirects (more than {MAX_REDIRECTS}); open the page in a browser and save it")


def _too_big(max_bytes: int) -> str:
    size = f"{max_bytes / 1e6:g} MB" if max_bytes >= 100_000 else f"{max_bytes} bytes"
    return f"the page is larger than {size}; download it and load the file instead"


def _read_bounded(resp, max_bytes: int, deadline: float, url: str, timeout: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise InputError(url, f"the download took longer than {timeout:g} s; save the page and load the file")
        try:
            chunk = resp.read(65536)
        except (socket.timeout, TimeoutError):
            raise InputError(url, f"the download took longer than {timeout:g} s; save the page and load the file") from None
        except (OSError, http.client.HTTPException) as e:
            raise InputError(url, f"the download broke off ({type(e).__name__}); try again") from None
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise InputError(url, _too_big(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def _inflate(body: bytes, encoding: str, max_bytes: int, url: str) -> bytes:
    wbits = 31 if "gzip" in encoding else 15
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(body, max_bytes + 1)
    except zlib.error:
        try:
            d = zlib.decompressobj(-15)
            out = d.decompress(body, max_bytes + 1)
        except zlib.error:
            raise InputError(url, "the server sent damaged compressed data; try again") from None
    if len(out) > max_bytes or d.unconsumed_tail:
        raise InputError(url, _too_big(max_bytes))
    return out


def fetch_document(url: str, *, max_bytes: int = 10_000_000, timeout: float = 20.0,
                   progress: Callable[[int, int], None] | None = None, allow_private: bool = False):
    """Fetch and read a contract; SourceInfo.kind is "url", the extractor names the format read."""
    from tosaudit.ingest import load_bytes

    body, final, kind, charset = fetch(url, max_bytes=max_bytes, timeout=timeout, allow_private=allow_private)
    if not body.strip():
        raise InputError(url, "the page is empty; check the address")
    if kind is None or (kind == "text" and body[:5] == b"%PDF-"):
        kind = None  # let the content decide
    name = url
    try:
        doc = load_bytes(body, _name_for_sniff(final, kind), kind=kind, progress=progress, encoding=charset)
    except InputError as e:
        raise InputError(name, e.reason) from None
    src = doc.source.model_copy(update={"name": name, "kind": "url", "url": final})
    return doc.model_copy(update={"source": src})


def _name_for_sniff(final: str, kind: str | None) -> str:
    """A file name for the content sniffer: the URL's last path part, or an .html name."""
    from tosaudit.ingest import _SUFFIX, _suffix

    base = urlsplit(final).path.rsplit("/", 1)[-1] or "index.html"
    if kind is None and _suffix(base) not in _SUFFIX or _suffix(base) == "":
        return base + ".html"
    return base
