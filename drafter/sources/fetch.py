"""Download one web page. The only module that talks HTTP (httpx); it does network I/O and
nothing else.

Takes an http(s) URL; returns a ``Fetched`` (the final URL after redirects, the content type,
the charset the server declared and the body's bytes, untouched). Every way a fetch can fail
(bad URL, no connection, timeout, too many or looping redirects, HTTP errors, a body that is
too large, a PDF or an image where a page was expected) becomes an ``InputError`` naming the
URL, so the command line prints one line and exits 2.

Limits are module constants so that tests (and a future config file) can lower them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

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


def fetch(url: str) -> Fetched:
    """GET ``url`` (following at most MAX_REDIRECTS redirects) and return the page."""
    if not is_url(url):
        raise InputError(url, "not an http(s) URL")
    deadline = time.monotonic() + TOTAL_TIME
    timeout = httpx.Timeout(TIMEOUT)
    seen = [url]
    try:
        with httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False
        ) as client:
            request = client.build_request("GET", url)
            # Redirects are followed by hand so that a loop is named as a loop, and a
            # redirect to a non-web scheme is refused.
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
