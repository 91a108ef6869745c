"""Memory under large bodies: N clients POST maximum-size bodies through nginx for SECONDS while
one client sends small, distinct metric batches one after another and times each answer.

    large_bodies.py PORT USER_UUID BODY_BYTES CLIENTS SECONDS OUT_JSON PID...

Prints nothing; writes OUT_JSON: the answers the large clients got (200, 503, other), the small
requests' count, non-200 answers and p50/p99/max latency, and VmHWM / VmRSS of each responder PID
at the end. Standard library only; every request goes to 127.0.0.1.

The bodies are OTLP protobuf written by hand: one `claude_code.token.usage` delta point
(a distinct time per small request, so none is a replay), the large one padded to BODY_BYTES
with an unknown field the receiver skips, so it is decoded in full.
"""

from __future__ import annotations

import http.client
import json
import struct
import sys
import threading
import time

PREFIX = "/api/v1/integrations/claude"
T0_NS = 1795514400 * 10**9


def varint(value: int) -> bytes:
    out = b""
    while value >= 0x80:
        out += bytes([0x80 | (value & 0x7F)])
        value >>= 7
    return out + bytes([value])


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def key_value(key: str, value: str) -> bytes:
    return field(1, key.encode()) + field(2, field(1, value.encode()))


def metrics_request(sequence: int, padding: int = 0) -> bytes:
    start = T0_NS + sequence * 1000
    point = (field(7, key_value("type", "input")) + field(7, key_value("model", "bench-large"))
             + bytes([0x11]) + struct.pack("<Q", start) + bytes([0x19]) + struct.pack("<Q", start + 1)
             + bytes([0x21]) + struct.pack("<d", 1.0))
    sum_ = field(1, point) + bytes([0x10, 0x01, 0x18, 0x01])  # delta, monotonic
    metric = field(1, b"claude_code.token.usage") + field(7, sum_)
    resource = field(1, key_value("service.name", "claude-code"))
    body = field(1, field(1, resource) + field(2, field(2, metric)))
    if padding > 0:
        filler = padding - len(body) - 2 - len(varint(padding))
        body += field(99, b"u" * max(0, filler))
    return body


def post(port: int, path: str, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/x-protobuf"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def memory(pid: int) -> dict:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                name, amount = line.split(":", 1)
                values[name] = int(amount.split()[0])
    return values


def main(argv: list[str]) -> int:
    port, user, body_bytes, clients, seconds, out = (int(argv[1]), argv[2], int(argv[3]), int(argv[4]),
                                                     float(argv[5]), argv[6])
    pids = [int(pid) for pid in argv[7:]]
    path = f"{PREFIX}/users/{user}/v1/metrics"
    large = metrics_request(0, padding=body_bytes)
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    large_answers: dict[str, int] = {}

    def large_client() -> None:
        while time.monotonic() < deadline:
            try:
                status = str(post(port, path, large))
            except OSError as error:
                status = type(error).__name__
            with lock:
                large_answers[status] = large_answers.get(status, 0) + 1

    threads = [threading.Thread(target=large_client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(min(2.0, seconds / 4))  # the large bodies are in flight
    latencies, small_non200, sequence = [], 0, 1
    while time.monotonic() < deadline:
        body = metrics_request(sequence)
        sequence += 1
        started = time.monotonic()
        status = post(port, path, body)
        latencies.append((time.monotonic() - started) * 1000)
        if status != 200:
            small_non200 += 1
        time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=130)
    latencies.sort()

    def percentile(fraction: float) -> float:
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] if latencies else 0.0

    result = {
        "body_bytes": len(large), "clients": clients, "seconds": seconds, "large_answers": large_answers,
        "small_requests": len(latencies), "small_non200": small_non200,
        "small_p50_ms": percentile(0.50), "small_p99_ms": percentile(0.99), "small_max_ms": latencies[-1] if latencies else 0.0,
        "memory_kib": {str(pid): memory(pid) for pid in pids},
    }
    with open(out, "w") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
