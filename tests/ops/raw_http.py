"""One HTTP/1.1 exchange over a plain socket, for requests no HTTP client library would send
(NUL bytes or raw ``..`` in the path, malformed headers) and for choosing the client's own
address (``source``: any 127.x.y.z on Linux loopback is a distinct client)."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def exchange(
    base: str,
    method: str,
    target: bytes | str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    source: str | None = None,
    timeout: float = 60,
) -> Reply:
    """Send ``method target`` with ``headers`` and ``body`` (Content-Length added when there
    is a body) to ``base`` (``http://127.0.0.1:PORT``); read the whole reply (the
    connection is closed after it, so the body ends at EOF or at Content-Length)."""
    host, port = base.removeprefix("http://").rstrip("/").rsplit(":", 1)
    raw_target = target.encode("latin-1") if isinstance(target, str) else target
    lines = [method.encode("ascii") + b" " + raw_target + b" HTTP/1.1", b"Connection: close"]
    if not any(name.lower() == "host" for name in headers or {}):
        lines.append(f"Host: {host}:{port}".encode())
    for name, value in (headers or {}).items():
        lines.append(name.encode("latin-1") + b": " + value.encode("latin-1"))
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}".encode())
    data = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection(
        (host, int(port)), timeout=timeout, source_address=(source, 0) if source else None
    ) as sock:
        # Refused before the whole request was sent (request line too long …): read why.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        received = bytearray()
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            if not received:
                raise
    head, _, rest = bytes(received).partition(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ConnectionError(f"no HTTP status line in the reply: {bytes(received)[:200]!r}")
    message = BytesHeaderParser().parsebytes(header_block + b"\r\n\r\n")
    length = message.get("Content-Length")
    if "chunked" in message.get("Transfer-Encoding", "").lower():
        rest = _dechunk(rest)
    elif length is not None and length.isdigit() and method != "HEAD":
        rest = rest[: int(length)]
    return Reply(int(parts[1]), message, rest)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)
