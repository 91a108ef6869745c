"""A load client that behaves like an OpenTelemetry OTLP/HTTP exporter towards 127.0.0.1.

    python retrying_exporter.py --port PORT --users U1[,U2...] --instance NAME --batches N
                                [--signals metrics,logs] [--content-type protobuf|json]
                                [--max-tries 40] [--ack-file PATH] [--pause-ms 0]
                                [--stop-file PATH]

For seq = 0 .. N-1 it sends batch `seq` of `otlp_batches` (metrics, then logs when both are
asked for) to user `users[seq % len(users)]` at `…/users/<uuid>/v1/<signal>`, one batch at a
time, as an SDK exporter does. Like the exporters (see /work/shared/claude-code-telemetry.md §2):
  * a connection error or 429/502/503/504 is retried with the SAME bytes, after a backoff
    (50 ms doubling to 400 ms, or Retry-After when shorter than 1 s), up to --max-tries;
  * any other status drops the batch (recorded as "dropped": the test fails on it);
  * 200 is an acknowledgement: "signal seq user" is appended to --ack-file and flushed at once,
    so a test can read what was acknowledged at any instant.

With --stop-file, no new batch is started once that file exists (the batch in progress is
finished, retries included), so a test can keep the load on for as long as it needs; "batches"
in the summary says how many were sent (seq 0 .. batches-1).

Prints one JSON line: {"batches": n, "acked": n, "dropped": [...], "gave_up": [...], "retries": n,
"statuses": {"200": n, ...}, "errors": {"ConnectionRefusedError": n, ...}} and exits 0 when
every batch was acknowledged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import otlp_batches as batches  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--instance", required=True)
    parser.add_argument("--batches", type=int, required=True)
    parser.add_argument("--signals", default="metrics")
    parser.add_argument("--content-type", default="protobuf", choices=["protobuf", "json"])
    parser.add_argument("--max-tries", type=int, default=40)
    parser.add_argument("--ack-file")
    parser.add_argument("--pause-ms", type=float, default=0)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--stop-file")
    args = parser.parse_args()

    users = args.users.split(",")
    signals = args.signals.split(",")
    content_type = batches.PROTOBUF if args.content_type == "protobuf" else batches.JSON
    ack = open(args.ack_file, "a", buffering=1) if args.ack_file else None
    statuses: Counter = Counter()
    errors: Counter = Counter()
    acked = retries = 0
    dropped: list[str] = []
    gave_up: list[str] = []

    sent = 0
    for seq in range(args.batches):
        if args.stop_file and os.path.exists(args.stop_file):
            break
        sent += 1
        user = users[seq % len(users)]
        for signal in signals:
            build = batches.metrics_batch if signal == "metrics" else batches.logs_batch
            body = build(args.instance, seq, content_type)  # the same bytes on every try
            path = f"/users/{user}/v1/{signal}"
            backoff = 0.05
            for attempt in range(args.max_tries):
                if attempt:
                    retries += 1
                try:
                    answer = batches.post(args.port, path, body, content_type, timeout=args.timeout)
                except batches.CONNECTION_ERRORS as error:
                    errors[type(error).__name__] += 1
                    time.sleep(backoff)
                    backoff = min(backoff * 2, 0.4)
                    continue
                statuses[str(answer.status)] += 1
                if answer.status == 200:
                    acked += 1
                    if ack:
                        ack.write(f"{signal} {seq} {user}\n")
                        ack.flush()
                    break
                if answer.status in batches.RETRYABLE_STATUSES:
                    delay = backoff
                    retry_after = answer.headers.get("retry-after", "")
                    if retry_after.isdigit() and int(retry_after) < 1:
                        delay = int(retry_after)
                    time.sleep(delay)
                    backoff = min(backoff * 2, 0.4)
                    continue
                dropped.append(f"{signal} {seq} {user}: {answer.status} {answer.body[:200]!r}")
                break
            else:
                gave_up.append(f"{signal} {seq} {user}")
        if args.pause_ms:
            time.sleep(args.pause_ms / 1000)

    if ack:
        ack.close()
    print(json.dumps({"batches": sent, "acked": acked, "dropped": dropped, "gave_up": gave_up, "retries": retries,
                      "statuses": dict(statuses), "errors": dict(errors)}))
    return 0 if not dropped and not gave_up else 1


if __name__ == "__main__":
    sys.exit(main())
