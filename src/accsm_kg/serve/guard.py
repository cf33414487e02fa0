"""The server's outer layer (pure ASGI): limits, allowed methods, paths, security headers.

Every request passes here before any route: a URL longer than ``max_url`` gets 414, a body
longer than ``max_body`` 413 (the body is read here, within the limit, and handed on), a
method other than GET/POST/HEAD/OPTIONS 405, OPTIONS an empty 204 with ``Allow``, and a path
with a ``..`` or ``.`` segment, a backslash, a NUL or an encoded slash 400. Every response
gets the security headers; a route may set its own Content-Security-Policy (the viz page
allows its inline scripts by hash).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ALLOWED_METHODS = ("GET", "POST", "HEAD", "OPTIONS")
#: No script, style, font or frame from anywhere but this server; no plugins; no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def csp_with(script_hashes: Sequence[str] = (), inline_styles: bool = False) -> str:
    """The policy, allowing inline scripts by their sha256 (and inline styles if asked)."""
    policy = CSP
    if script_hashes:
        allowed = " ".join(f"'sha256-{h}'" for h in script_hashes)
        policy = policy.replace("script-src 'self'", f"script-src 'self' {allowed}")
    if inline_styles:
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return policy


def bad_path(path: str, raw_path: bytes | None) -> str | None:
    """Why ``path`` (percent-decoded) is refused, or None. Static files are served from
    memory by exact name, so nothing can escape a folder; this refuses the attempts early."""
    if "\x00" in path or "\\" in path:
        return "the path holds a NUL or a backslash"
    if not path.startswith("/") or path.startswith("//"):
        return "the path is not a plain absolute path"
    segments = path.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        return "the path holds a '.' or '..' segment"
    if raw_path is not None and b"%2f" in raw_path.lower():
        return "the path holds an encoded slash"
    return None


async def _plain(
    send: Send, status: int, message: str, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = (message + "\n").encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Wrap ``app`` with the limits and headers above."""

    def __init__(self, app: ASGIApp, *, max_url: int = 8192, max_body: int = 1 << 20) -> None:
        self.app = app
        self.max_url = max_url
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return  # no websockets

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        method = scope["method"]
        allow = [(b"allow", ", ".join(ALLOWED_METHODS).encode())]
        if method not in ALLOWED_METHODS:
            await _plain(send_with_headers, 405, f"method {method[:20]} is not allowed", allow)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
        if len(raw_path) + len(scope.get("query_string", b"")) > self.max_url:
            await _plain(
                send_with_headers,
                414,
                f"the URL is longer than {self.max_url} bytes; send long queries by POST",
            )
            return
        why = bad_path(scope["path"], scope.get("raw_path"))
        if why:
            await _plain(send_with_headers, 400, f"bad path: {why}")
            return
        if method == "OPTIONS":
            await send_with_headers(
                {"type": "http.response.start", "status": 204, "headers": allow}
            )
            await send_with_headers({"type": "http.response.body", "body": b""})
            return

        body = b""
        if method == "POST":
            declared = dict(scope["headers"]).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
                await _plain(send_with_headers, 413, f"the body is over {self.max_body} bytes")
                return
            chunks, size = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _plain(send_with_headers, 413, f"the body is over {self.max_body} bytes")
                    return
                chunks.append(chunk)
                if not message.get("more_body"):
                    break
            body = b"".join(chunks)

        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # waits for the disconnect, as a real receive would

        await self.app(scope, replay, send_with_headers)
