"""A minimal FastCGI client (standard library only): one responder request per connection.

Imported by conftest.py, and run as a script where the tests need a client as another user
or inside another mount namespace:

    python3 fcgi_client.py SOCKET METHOD URI [BODY_FILE [CONTENT_TYPE]]

prints the status on the first line, then the response body; exit 0, or 3 when the
connection is refused for lack of permission.
"""

from __future__ import annotations

import socket
import struct
import sys


def fastcgi_request(socket_path, params: dict[str, str], body: bytes = b"", timeout: float = 30) -> bytes:
    """Sends one FastCGI responder request and returns the stdout stream (CGI headers + body)."""
    def record(kind: int, content: bytes) -> bytes:
        return struct.pack(">BBHHBx", 1, kind, 1, len(content), 0) + content

    def pair(name: str, value: str) -> bytes:
        def length(n: int) -> bytes:
            return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        a, b = name.encode(), value.encode()
        return length(len(a)) + length(len(b)) + a + b

    out = record(1, struct.pack(">HB5x", 1, 0))  # BEGIN_REQUEST, responder, no keep-alive
    out += record(4, b"".join(pair(k, v) for k, v in params.items())) + record(4, b"")
    for start in range(0, len(body), 65535):
        out += record(5, body[start:start + 65535])
    out += record(5, b"")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        sock.sendall(out)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    stdout, position = b"", 0
    while position + 8 <= len(data):
        _, kind, _, length, padding = struct.unpack(">BBHHB", data[position:position + 7])
        position += 8
        if kind == 6:
            stdout += data[position:position + length]
        position += length + padding
    return stdout


def fastcgi_status(stdout: bytes) -> int:
    first = stdout.split(b"\r\n", 1)[0].decode()
    assert first.startswith("Status: "), stdout[:200]
    return int(first.split()[1])


def cgi_params(method: str, uri: str, body: bytes = b"", content_type: str = "") -> dict[str, str]:
    path, _, query = uri.partition("?")
    params = {"GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": method,
              "REQUEST_URI": uri, "SCRIPT_NAME": path, "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1",
              "CONTENT_LENGTH": str(len(body))}
    if content_type:
        params["CONTENT_TYPE"] = content_type
    return params


def main(argv: list[str]) -> int:
    socket_path, method, uri = argv[1:4]
    body = open(argv[4], "rb").read() if len(argv) > 4 else b""
    content_type = argv[5] if len(argv) > 5 else ("application/x-protobuf" if body else "")
    try:
        stdout = fastcgi_request(socket_path, cgi_params(method, uri, body, content_type), body)
    except PermissionError:
        print("denied")
        return 3
    head, _, payload = stdout.partition(b"\r\n\r\n")
    print(fastcgi_status(stdout))
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
