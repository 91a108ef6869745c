#!/usr/bin/env python3
"""Users with history, for the benchmark kit (Benchmarks/run.sh, step 2b).

    history.py grow PORT USER DAYS
        Sends USER DAYS days of Claude Code traffic through the running product, one metrics and
        one logs request per day (12 events each, so the record and request windows end full),
        oldest day first, the last on today (UTC). The history is built by the product's own
        write path, never written by hand.

    history.py cost PORT ROUNDS OUT_JSON PID... -- USER:LABEL...
        One client, one request at a time: ROUNDS rounds, each sending one new small batch to
        every USER in turn (so the users are measured alternately, under the same conditions),
        timing each answer. Then, per user, a block of ROUNDS requests while the responders'
        /proc/PID/io write_bytes is read before and after: bytes written to disk per request.

    history.py clone DATA_DIR SOURCE_USER USERS_FILE COUNT OUT_USERS_FILE
        Gives the first COUNT users of USERS_FILE the stored history of SOURCE_USER (after the
        product compacted it): its aggregate.json with the user id replaced, no journal.
"""
import datetime
import http.client
import json
import os
import statistics
import sys
import time

LOOPBACK = "127.0.0.1"
MODELS = ["claude-sonnet-4-6", "claude-haiku-4-5"]


def day_start_ns(days_ago: int) -> int:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = today - datetime.timedelta(days=days_ago)
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    return int(midnight.timestamp()) * 1_000_000_000


def attrs(pairs):
    out = []
    for key, value in pairs:
        if isinstance(value, int):
            out.append({"key": key, "value": {"intValue": str(value)}})
        else:
            out.append({"key": key, "value": {"stringValue": value}})
    return out


def resource():
    return {"attributes": attrs([("service.name", "claude-code"), ("service.version", "2.1.332")])}


def metrics_body(time_ns: int, salt: int) -> bytes:
    start = time_ns
    end = time_ns + 60_000_000_000 + salt
    ident = [("user.id", "a" * 64), ("session.id", f"s-{time_ns}")]

    def point(value, extra=()):
        return {"attributes": attrs(ident + list(extra)), "startTimeUnixNano": str(start), "timeUnixNano": str(end),
                "asDouble": value}

    def metric(name, points, unit="1"):
        return {"name": name, "unit": unit,
                "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": points}}

    metrics = [
        metric("claude_code.session.count", [point(1)]),
        metric("claude_code.token.usage", [point(1000 + salt % 7, [("type", "input"), ("model", m)]) for m in MODELS]
               + [point(300, [("type", "output"), ("model", m)]) for m in MODELS]
               + [point(9000, [("type", "cacheRead"), ("model", m)]) for m in MODELS]),
        metric("claude_code.cost.usage", [point(0.125, [("model", m)]) for m in MODELS], "USD"),
        metric("claude_code.active_time.total", [point(120, [("type", "cli")])], "s"),
        metric("claude_code.lines_of_code.count", [point(40, [("type", "added")]), point(3, [("type", "removed")])]),
    ]
    return json.dumps({"resourceMetrics": [{"resource": resource(), "scopeMetrics": [
        {"scope": {"name": "com.anthropic.claude_code"}, "metrics": metrics}]}]}).encode()


def logs_body(time_ns: int, salt: int, records: int = 12) -> bytes:
    out = []
    for index in range(records):
        t = time_ns + index * 1_000_000_000 + salt
        name = "api_request" if index % 3 == 0 else "tool_result"
        extra = [("model", MODELS[index % 2]), ("input_tokens", 100), ("output_tokens", 20),
                 ("request_id", f"req-{t}")] if name == "api_request" else [("tool_name", "Read"), ("success", "true")]
        out.append({"timeUnixNano": str(t), "observedTimeUnixNano": str(t),
                    "body": {"stringValue": f"claude_code.{name}"},
                    "attributes": attrs([("event.name", name), ("user.id", "a" * 64), ("session.id", f"s-{time_ns}"),
                                         ("event.sequence", index + salt)] + extra)})
    return json.dumps({"resourceLogs": [{"resource": resource(), "scopeLogs": [
        {"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": out}]}]}).encode()


def post(connection, user: str, signal: str, body: bytes) -> float:
    started = time.perf_counter()
    connection.request("POST", f"/api/v1/integrations/claude/users/{user}/v1/{signal}", body,
                       {"Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    elapsed = time.perf_counter() - started
    if answer.status != 200:
        raise SystemExit(f"POST {signal} for {user}: {answer.status}")
    return elapsed


def connect(port: int):
    return http.client.HTTPConnection(LOOPBACK, port, timeout=30)


def grow(port: int, user: str, days: int) -> None:
    connection = connect(port)
    for days_ago in range(days - 1, -1, -1):
        start = day_start_ns(days_ago) + 10 * 3600 * 1_000_000_000
        post(connection, user, "metrics", metrics_body(start, 0))
        post(connection, user, "logs", logs_body(start, 0))
    connection.close()


def write_bytes(pids) -> int:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/io") as handle:
            for line in handle:
                if line.startswith("write_bytes:"):
                    total += int(line.split()[1])
    return total


def cost(port: int, rounds: int, out_path: str, pids, users) -> None:
    connection = connect(port)
    now_ns = time.time_ns() - 3600 * 1_000_000_000
    times = {label: [] for _, label in users}
    salt = 1
    for _ in range(rounds):
        for user, label in users:
            salt += 1
            body = metrics_body(now_ns + salt * 1_000_000_000, salt)
            times[label].append(post(connection, user, "metrics", body))
    per_request = {}
    for user, label in users:
        before = write_bytes(pids)
        for _ in range(rounds):
            salt += 1
            post(connection, user, "logs", logs_body(now_ns + salt * 1_000_000_000, salt))
        per_request[label] = (write_bytes(pids) - before) / rounds
    connection.close()
    base = statistics.median(times[users[0][1]])
    result = {"rounds": rounds, "users": {}}
    for _, label in users:
        median = statistics.median(times[label])
        result["users"][label] = {"median_ms": median * 1e3, "p90_ms": sorted(times[label])[int(rounds * 0.9)] * 1e3,
                                  "ratio_to_new": median / base, "bytes_written_per_request": per_request[label]}
    with open(out_path, "w") as handle:
        json.dump(result, handle)
    print(json.dumps(result))


def clone(data: str, source: str, users_file: str, count: int, out_users: str) -> None:
    template = open(os.path.join(data, "users", source, "aggregate.json"), "rb").read()
    users = [line.strip() for line in open(users_file) if line.strip() and line.strip() != source][:count]
    for user in users:
        directory = os.path.join(data, "users", user)
        for name in ("journal", "aggregate.bin"):
            try:
                os.unlink(os.path.join(directory, name))
            except FileNotFoundError:
                pass
        with open(os.path.join(directory, "aggregate.json"), "wb") as handle:
            handle.write(template.replace(source.encode(), user.encode()))
    with open(out_users, "w") as handle:
        handle.write("\n".join(users) + "\n")
    print(f"{len(users)} users with {len(template)} bytes of history each")


def main(argv) -> None:
    command = argv[1]
    if command == "grow":
        grow(int(argv[2]), argv[3], int(argv[4]))
    elif command == "cost":
        split = argv.index("--")
        port, rounds, out_path = int(argv[2]), int(argv[3]), argv[4]
        pids = argv[5:split]
        users = [tuple(item.split(":", 1)) for item in argv[split + 1:]]
        cost(port, rounds, out_path, pids, users)
    elif command == "clone":
        clone(argv[2], argv[3], argv[4], int(argv[5]), argv[6])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
