"""A local web server for the fetch tests: saved pages of real-world shapes, and the ways
servers fail. Binds 127.0.0.1 on a free port, runs in a thread, and is shut down by the
fixture; every handler ends on its own within a few seconds (the "never answers" one waits
on an event that shutdown sets)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent / "fixtures" / "web"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
HUGE = 30 * 1024 * 1024  # the 30 MB response
HANG_LIMIT = 10.0  # seconds the "never answers" handler waits at most


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stop = threading.Event()
        # /changing serves whatever a test puts here: the same URL with new content.
        self.changing = (WEB / "news.html").read_bytes()
        self.requests: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def _file(name: str) -> bytes:
    return (WEB / name).read_bytes()


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, to: str) -> None:
        self.send_response(status)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self, with_length: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        block = b"<p>" + b"filler text " * 5000 + b"</p>\n"
        sent = 0
        try:
            while sent < HUGE and not self.server.stop.is_set():
                self.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its size cap, as it should

    def do_GET(self) -> None:
        path = self.path
        self.server.requests.append(path)
        html = "text/html; charset=utf-8"
        if path == "/news":
            self._send(200, _file("news.html"), html)
        elif path == "/cp1252":
            # The header names no charset: only the page's meta tag says windows-1252.
            self._send(200, _file("cp1252.html"), "text/html")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._redirect(301 if n % 2 else 302, f"/chain/{n + 1}" if n < 3 else "/news")
        elif path.startswith("/endless/"):  # a new address every time: no loop, no end
            n = int(path.rsplit("/", 1)[1])
            self._redirect(302, f"/endless/{n + 1}")
        elif path == "/loop/a":
            self._redirect(302, "/loop/b")
        elif path == "/loop/b":
            self._redirect(302, "/loop/a")
        elif path == "/missing":
            self._send(404, b"<h1>Not Found</h1>", html)
        elif path == "/broken":
            self._send(500, b"<h1>Internal Server Error</h1>", html)
        elif path == "/hang":
            # Accept the connection, never answer; end when the test server shuts down.
            self.server.stop.wait(HANG_LIMIT)
        elif path == "/huge":
            self._huge(with_length=True)
        elif path == "/huge-stream":
            self._huge(with_length=False)
        elif path == "/report.pdf":
            self._send(200, _file("report.pdf"), "application/pdf")
        elif path == "/photo":
            self._send(200, _file("photo.png"), "image/png")
        elif path == "/mislabelled":
            self._send(200, _file("report.pdf"), html)  # a PDF the server calls HTML
        elif path == "/no-article":
            self._send(200, _file("no-article.html"), html)
        elif path == "/notes.md":
            body = "---\ntitle: Field notes\n---\n\nFirst note about the harbour.\n\nSecond."
            self._send(200, body.encode(), "text/markdown; charset=utf-8")
        elif path == "/to-file":  # a redirect off the web, to a file on this machine
            self._redirect(302, "file:///etc/passwd")
        elif path == "/huge-headers":
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.send_header("X-Padding", "x" * 200_000)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/changing":
            self._send(200, self.server.changing, html)
        elif path.startswith("/pages/") and path[7:].replace("-", "").isalnum():
            # The saved pages of tests/fixtures/pages/, by name: /pages/title-pipe.
            page = PAGES / f"{path[7:]}.html"
            if page.exists():
                self._send(200, page.read_bytes(), html)
            else:
                self._send(404, b"<h1>Not Found</h1>", html)
        else:
            self._send(404, b"not here", "text/plain")


@contextmanager
def serve() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
