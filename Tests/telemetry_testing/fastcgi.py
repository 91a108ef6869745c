"""A FastCGI client (standard library only): whole responder requests, and the raw records the
transport tests assemble into broken or hostile ones.

Also run as a script where a test needs a client as another user or inside another mount
namespace (test_systemd_boot.py copies this file there as fcgi_client.py):

    python3 fastcgi.py SOCKET METHOD URI [BODY_FILE [CONTENT_TYPE]]

prints the status on the first line, then the response body; exit 0, or 3 when the
connection is refused for lack of permission.
"""

from __future__ import annotations

import socket
import struct
import sys

# Record types (FastCGI 1.0, section 8).
BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
# FCGI_BEGIN_REQUEST flag: keep the connection open after the answer.
KEEP_CONN = 1
# The largest content of one record.
RECORD_CONTENT = 65535


def record(kind: int, content: bytes = b"", request_id: int = 1) -> bytes:
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def begin(request_id: int = 1, flags: int = 0) -> bytes:
    """FCGI_BEGIN_REQUEST for the responder role."""
    return record(BEGIN, struct.pack(">HB5x", 1, flags), request_id)


def pair(name: str, value: str | bytes) -> bytes:
    """One name-value pair of the parameter stream."""
    def length(n: int) -> bytes:
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    a = name.encode()
    b = value if isinstance(value, bytes) else value.encode()
    return length(len(a)) + length(len(b)) + a + b


def stream(kind: int, data: bytes, request_id: int = 1) -> bytes:
    """`data` as records of `kind`, then the empty record that ends the stream."""
    out = b""
    for start in range(0, len(data), RECORD_CONTENT):
        out += record(kind, data[start:start + RECORD_CONTENT], request_id)
    return out + record(kind, b"", request_id)


def params_records(params: list[tuple[str, str]] | dict[str, str], request_id: int = 1) -> bytes:
    items = params.items() if isinstance(params, dict) else params
    return stream(PARAMS, b"".join(pair(k, v) for k, v in items), request_id)


def stdin_records(body: bytes, request_id: int = 1) -> bytes:
    return stream(STDIN, body, request_id)


def read_answer(sock: socket.socket) -> tuple[int | None, bytes, bool]:
    """Reads records until FCGI_END_REQUEST or the connection closes: (status or None, stdout,
    whether END_REQUEST came)."""
    data = b""
    stdout = b""
    ended = False
    position = 0
    while not ended:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            break
        data += chunk
        while position + 8 <= len(data):
            _, kind, _, length, padding = struct.unpack(">BBHHB", data[position:position + 7])
            if position + 8 + length + padding > len(data):
                break
            content = data[position + 8:position + 8 + length]
            position += 8 + length + padding
            if kind == STDOUT:
                stdout += content
            elif kind == END:
                ended = True
    status = None
    if stdout.startswith(b"Status: "):
        status = int(stdout.split(b"\r\n", 1)[0].split()[1])
    return status, stdout, ended


def fastcgi_request(socket_path, params: dict[str, str], body: bytes = b"", timeout: float = 30) -> bytes:
    """Sends one FastCGI responder request on a connection of its own and returns the stdout
    stream (CGI headers + body)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        sock.sendall(begin() + params_records(params) + stdin_records(body))
        _, stdout, _ = read_answer(sock)
    return stdout


def fastcgi_status(stdout: bytes) -> int:
    first = stdout.split(b"\r\n", 1)[0].decode()
    assert first.startswith("Status: "), stdout[:200]
    return int(first.split()[1])


def cgi_params(method: str, uri: str, body: bytes = b"", content_type: str = "") -> dict[str, str]:
    """The parameters nginx's fastcgi_params would send for this request."""
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
