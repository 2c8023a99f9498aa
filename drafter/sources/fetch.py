"""Download one web page. The only module that talks HTTP (httpx); it does network I/O and
nothing else.

Takes an http(s) URL; returns a ``Fetched`` (the final URL after redirects, the content type,
the charset the server declared and the body's bytes, untouched). Every way a fetch can fail
(bad URL, no connection, timeout, too many or looping redirects, HTTP errors, a body that is
too large, a PDF or an image where a page was expected) becomes an ``InputError`` naming the
URL, so the command line prints one line and exits 2.

Limits are module constants so that tests (and a future config file) can lower them.

Trust (DESIGN.md § Trust): a URL may come from someone else's draft, so ``guard`` refuses any
address that is not public (loopback, private, link-local, shared, reserved, multicast, and
IPv6 forms that embed one) unless ``allow_private``. It runs on the URL asked for and on every
redirect hop, checks every address the host resolves to, and the connection itself is made
to an address that was checked (``_PublicOnly``), so a DNS answer that changes between the
check and the connection cannot reach an internal host.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import typing
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore
import httpx

from drafter import __version__
from drafter.errors import InputError

TIMEOUT = 20.0  # seconds for connecting, and for each read of the body
TOTAL_TIME = 120.0  # seconds for the whole fetch: a server trickling bytes cannot stall us
MAX_REDIRECTS = 5
MAX_BYTES = 10 * 1024 * 1024  # a news article page is well under 2 MB; 10 MB is generous
USER_AGENT = f"drafter/{__version__} (newsletter quote checker; fetches pages a writer cites)"

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"RIFF", "a binary file (RIFF/WebP)"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
)


@dataclass(frozen=True)
class Fetched:
    """One downloaded page, as the server sent it."""

    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # media type without parameters, e.g. "text/html"
    charset: str | None  # from the Content-Type header, if the server said
    body: bytes
    retrieved_at: str  # ISO 8601, UTC

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


def is_url(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://"))


def _what(content_type: str, head: bytes) -> str | None:
    """Why a response is not a page drafter can read, or None when it is."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if not content_type or content_type in HTML_TYPES or content_type in TEXT_TYPES:
        return None
    if content_type == "application/pdf":
        return "a PDF document"
    kind = content_type.split("/")[0]
    if kind in ("image", "audio", "video"):
        return f"{'an' if kind == 'image' or kind == 'audio' else 'a'} {kind} ({content_type})"
    return f"not an HTML page ({content_type})"


def _media_type(response: httpx.Response) -> tuple[str, str | None]:
    raw = response.headers.get("content-type", "")
    media = raw.split(";")[0].strip().lower()
    charset = None
    for param in raw.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media, charset


def _read_capped(response: httpx.Response, url: str, deadline: float) -> bytes:
    """The body, read in chunks. A PDF or an image is refused on its first bytes, and the
    download stops (and fails) as soon as it passes MAX_BYTES: nothing past the cap is read."""
    media, _ = _media_type(response)
    _refuse(url, _what(media, b""))
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise InputError(
            url, f"the page is too large ({_mb(int(length))}; the limit is {_mb(MAX_BYTES)})"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if not chunks:
            _refuse(url, _what(media, chunk))
        size += len(chunk)
        if size > MAX_BYTES:
            raise InputError(url, f"the page is too large (more than {_mb(MAX_BYTES)})")
        if time.monotonic() > deadline:
            raise InputError(url, f"the download took longer than {TOTAL_TIME:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(url: str, problem: str | None) -> None:
    if problem:
        raise InputError(
            url,
            f"is {problem}, not a web page; save the article's text as .txt or .md and add that",
        )


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


# --- which addresses may be fetched ---------------------------------------------------------

# IPv6 forms whose last 32 bits are an IPv4 address that a translator or tunnel reaches:
# NAT64's well-known prefix (RFC 6052), IPv4-compatible (::/96, deprecated) and
# IPv4-translated (SIIT, ::ffff:0:0:0/96) addresses. Python 3.11 calls the last two global.
_EMBEDDING = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96"))
# Never the public internet, whatever the Python version's tables say: NAT64's local-use
# prefix (RFC 8215; the embedded address's place depends on the operator) and site-local.
_LOCAL_ONLY = tuple(ipaddress.ip_network(n) for n in ("64:ff9b:1::/48", "fec0::/10"))
ALLOW_PRIVATE_HINT = "pass --allow-private to fetch it anyway"


class _Refused(Exception):
    """A host that is, or resolves to, an address that is not public."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is not a public address ({address})")
        self.host = host
        self.address = address


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address on the public internet; IPv6 forms that carry an IPv4 address
    (mapped, compatible, translated, 6to4, Teredo, NAT64) are judged by the address they
    carry."""
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _LOCAL_ONLY):
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and any(ip in net for net in _EMBEDDING):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _public(embedded)
    return ip.is_global and not ip.is_multicast


def _public_addresses(host: str) -> list[str]:
    """Every address ``host`` resolves to, all public; else ``_Refused`` (or ``OSError``
    when it does not resolve)."""
    bare = host.strip("[]")
    infos = socket.getaddrinfo(bare, None, type=socket.SOCK_STREAM)
    found = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for text in found:
        if not _public(ipaddress.ip_address(text.split("%")[0])):
            raise _Refused(bare, text)
    return found


def guard(url: str, *, allow_private: bool) -> None:
    """Refuse ``url`` (``InputError``) unless it is an http(s) URL whose host resolves only to
    public addresses, or ``allow_private`` is set. Every fetch drafter makes, and each of
    its redirect hops, goes through here."""
    if not is_url(url):
        raise InputError(url, "not an http(s) URL")
    if allow_private:
        return
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL as exc:
        raise InputError(url, f"not a valid web address ({_reason(exc)})") from None
    if not host:
        raise InputError(url, "not a valid web address (no host)")
    try:
        _public_addresses(host)
    except _Refused as exc:
        raise InputError(url, f"refused: {exc}; {ALLOW_PRIVATE_HINT}") from None
    except (OSError, UnicodeError) as exc:
        raise InputError(url, f"cannot connect (cannot resolve {host}: {_reason(exc)})") from None


class _PublicOnly(httpcore.SyncBackend):
    """Connects only to public addresses, to an address checked just now: the host is
    resolved here once and the connection goes to that address (TLS still names the host)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            address = _public_addresses(host)[0]
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def _transport(allow_private: bool) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    if not allow_private:
        # httpx takes no network backend of its own; its pool is replaced by the same pool
        # with one that refuses private addresses at connect time.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_PublicOnly()
        )
    return transport


def fetch(url: str, *, allow_private: bool = False) -> Fetched:
    """GET ``url`` (following at most MAX_REDIRECTS redirects) and return the page.

    Without ``allow_private``, a URL or a redirect to an address that is not public is an
    ``InputError`` (see ``guard``)."""
    guard(url, allow_private=allow_private)
    deadline = time.monotonic() + TOTAL_TIME
    timeout = httpx.Timeout(TIMEOUT)
    seen = [url]
    try:
        with httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            transport=_transport(allow_private),
            trust_env=False,  # a proxy would make the connect-time address check moot
        ) as client:
            request = client.build_request("GET", url)
            # Redirects are followed by hand so that a loop is named as a loop, and a
            # redirect to a non-web scheme or a private address is refused.
            for _hop in range(MAX_REDIRECTS + 1):
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and response.next_request is not None:
                        nxt = response.next_request
                        target = str(nxt.url)
                        if not is_url(target):
                            raise InputError(url, f"redirects to a non-web address: {target}")
                        if target in seen:
                            raise InputError(
                                url, f"redirects in a loop ({' → '.join([*seen, target])})"
                            )
                        guard(target, allow_private=allow_private)
                        seen.append(target)
                        request = nxt
                        continue
                    if response.status_code >= 400:
                        raise InputError(
                            url, f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                        )
                    media, charset = _media_type(response)
                    body = _read_capped(response, url, deadline)
                    return Fetched(
                        url=url,
                        final_url=str(response.url),
                        content_type=media or "text/html",
                        charset=charset,
                        body=body,
                        retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    )
                finally:
                    response.close()
            raise InputError(url, f"too many redirects (more than {MAX_REDIRECTS})")
    except httpx.TimeoutException:
        raise InputError(
            url, f"timed out: the server did not answer within {TIMEOUT:g} s"
        ) from None
    except _Refused as exc:
        raise InputError(url, f"refused: {exc}; {ALLOW_PRIVATE_HINT}") from None
    except httpx.ConnectError as exc:
        raise InputError(url, f"cannot connect ({_reason(exc)})") from None
    except httpx.RemoteProtocolError as exc:
        if "buffer too long" in str(exc).lower():  # h11's cap on the size of the headers
            raise InputError(url, "the server's response headers are too large") from None
        raise InputError(url, f"the server's answer is not valid HTTP ({_reason(exc)})") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise InputError(url, f"not a valid web address ({_reason(exc)})") from None
    except httpx.HTTPError as exc:
        raise InputError(url, f"download failed ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__
