#!/usr/bin/env python3
"""Generates the pool of request bodies the product benchmark sends (Benchmarks/run.sh).

    gen_bodies.py OUT_DIR COUNT [--seed N]
    gen_bodies.py OUT_DIR --check [--every N]

Writes OUT_DIR/pool.bin (the bodies, concatenated) and OUT_DIR/pool.idx, one line per body:

    SIGNAL CONTENT_TYPE OFFSET LENGTH SITES

SIGNAL is `metrics` or `logs`, CONTENT_TYPE `application/x-protobuf` or `application/json`,
SITES a comma-separated list of `POSITION:KIND` (or `-`): the places wrk's Lua script patches
with the "cycle" number each time it goes round the pool, so that no request is ever a replay
of an earlier one (the receiver skips the write for a replay, which would flatter the figures):

    b  3 bytes, little endian: the low bytes of a fixed64 timestamp (protobuf). Every base
       timestamp here is a multiple of 2^24 ns, so its low 3 bytes are 0 and cycle c < 2^24
       gives time + c.
    d  6 ASCII digits: the last 6 digits of a decimal timestamp string (JSON; bases are
       multiples of 10^6 ns) or of a request_id (`req_BBBBBB_RR_000000`).

What a body holds (realistic Claude Code traffic, see /work/shared/claude-code-telemetry.md):
- 80 % log batches of 5..50 events (mean ~20): api_request (half in the old form with numbers as
  strings, half in the new one with ints/doubles and cost_usd_micros), tool_result,
  tool_decision, user_prompt, api_error and a few other event names; identity attributes on
  every record; body `claude_code.<name>` and `event.name`.
- 20 % metric batches: the eight Claude Code metrics, DELTA, monotonic, asDouble, 1..3 models.
- protobuf and JSON half and half. The protobuf bytes are written by hand here (field numbers
  from opentelemetry-proto v1); the JSON is what the OTLP JSON exporter writes (lowerCamelCase
  keys, 64-bit integers as strings, enums as integers).

Body i owns the time slot [T0 + i*2^30, T0 + (i+1)*2^30) ns, T0 = the start of the current UTC
day (+ 1 h), so all bodies of a pool fall in one or two days and never collide.

--check parses every (N-th) protobuf body of an existing pool with the real opentelemetry-proto classes and every JSON
body with protobuf's json_format into the same classes, when they can be imported (run it with
the e2e venv's python); it fails if a body does not parse or a site is not where it should be.
"""

import json
import os
import random
import struct
import sys
import time

SLOT = 1 << 30  # ns per body (~1.07 s)
RECORD_STEP = 1 << 24  # ns between a body's records (~16.8 ms); 50 records < SLOT
START_BACK_PB = 56 * SLOT  # delta start = time - ~60 s, a multiple of 2^24
START_BACK_JSON = 60 * 10**9

MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"]
TOOLS = ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "NotebookEdit", "WebFetch", "TodoWrite"]
OTHER_EVENTS = ["compaction", "hook_execution_complete", "mcp_server_connection", "api_refusal"]


# ---------------------------------------------------------------- protobuf, by hand

def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(field, wire):
    return varint((field << 3) | wire)


def ld(field, payload):  # length-delimited
    return tag(field, 2) + varint(len(payload)) + payload


def f64(field, value):  # fixed64
    return tag(field, 1) + struct.pack("<Q", value)


def dbl(field, value):
    return tag(field, 1) + struct.pack("<d", value)


def pb_any(value):
    if isinstance(value, bool):
        return tag(2, 0) + varint(1 if value else 0)
    if isinstance(value, int):
        return tag(3, 0) + varint(value)
    if isinstance(value, float):
        return dbl(4, value)
    return ld(1, value.encode())


def pb_kv(key, value):
    return ld(1, key.encode()) + ld(2, pb_any(value))


def pb_attrs(field, attributes):
    return b"".join(ld(field, pb_kv(k, v)) for k, v in attributes)


def pb_resource(attributes):
    return pb_attrs(1, attributes)


def pb_scope(name, version):
    return ld(1, name.encode()) + ld(2, version.encode())


# ---------------------------------------------------------------- JSON (OTLP/JSON)

def js_any(value):
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": value}


def js_attrs(attributes):
    return [{"key": k, "value": js_any(v)} for k, v in attributes]


# ---------------------------------------------------------------- content

RESOURCE = [("service.name", "claude-code"), ("service.version", "2.0.50"),
            ("os.type", "linux"), ("host.arch", "amd64")]


def identity(rng, body_index):
    """The identity attributes of one person's Claude Code: the same user, a few sessions."""
    session = body_index % 8
    return [("user.id", "7f3a9c0d1e2b"), ("session.id", "sess-%d" % session),
            ("app.version", "2.0.50"), ("terminal.type", ["vscode", "iTerm.app", "tmux"][session % 3]),
            ("organization.id", "org-1"), ("user.email", "dev@example.com"),
            ("user.account_uuid", "acc-1")]


def iso(ns):
    seconds = ns // 10**9
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % ((ns // 10**6) % 1000)


def request_id(body_index, record_index):
    return "req_%06d_%02d_000000" % (body_index, record_index)


def event(rng, body_index, record_index, ns, sequence):
    """(name, specific attributes) of one log event."""
    roll = rng.random()
    if roll < 0.30:
        model = rng.choice(MODELS)
        inp, out = rng.randint(10, 5000), rng.randint(10, 2000)
        cread, ccreate = rng.randint(0, 50000), rng.randint(0, 3000)
        cost = round((inp * 3 + out * 15 + cread * 0.3 + ccreate * 3.75) / 1e6, 6)
        if rng.random() < 0.5:  # old form: numbers as strings
            specific = [("model", model), ("cost_usd", repr(cost)), ("duration_ms", str(rng.randint(200, 9000))),
                        ("input_tokens", str(inp)), ("output_tokens", str(out)),
                        ("cache_read_tokens", str(cread)), ("cache_creation_tokens", str(ccreate)),
                        ("request_id", request_id(body_index, record_index))]
        else:
            specific = [("model", model), ("cost_usd", cost), ("cost_usd_micros", int(cost * 1e6)),
                        ("duration_ms", rng.randint(200, 9000)), ("input_tokens", inp), ("output_tokens", out),
                        ("cache_read_tokens", cread), ("cache_creation_tokens", ccreate),
                        ("request_id", request_id(body_index, record_index)), ("speed", "normal"),
                        ("query_source", "main"), ("effort", "medium")]
        return "api_request", specific
    if roll < 0.55:
        tool = rng.choice(TOOLS)
        ok = rng.random() < 0.9
        success = ("true" if ok else "false") if rng.random() < 0.5 else ok
        specific = [("tool_name", tool), ("tool_use_id", "tu_%d_%d" % (body_index, record_index)),
                    ("success", success), ("duration_ms", rng.randint(1, 3000))]
        if not ok:
            specific += [("error_type", "exit_code"), ("error", "exit status 1")]
        return "tool_result", specific
    if roll < 0.70:
        return "tool_decision", [("tool_name", rng.choice(TOOLS)), ("decision", rng.choice(["accept", "reject"])),
                                 ("source", rng.choice(["config", "user_permanent", "user_reject"])),
                                 ("tool_use_id", "tu_%d_%d" % (body_index, record_index))]
    if roll < 0.82:
        length = rng.randint(5, 2000)
        return "user_prompt", [("prompt_length", str(length) if rng.random() < 0.5 else length),
                               ("prompt", "<REDACTED>")]
    if roll < 0.87:
        return "api_error", [("model", rng.choice(MODELS)), ("error", "Overloaded"),
                             ("status_code", rng.choice(["529", 429])), ("duration_ms", rng.randint(5, 2000)),
                             ("attempt", rng.randint(1, 3))]
    return rng.choice(OTHER_EVENTS), [("detail", "x" * rng.randint(5, 40))]


def log_records(rng, body_index, base, json_times):
    count = 5 + int(45 * rng.random() ** 2)
    records = []
    for r in range(count):
        ns = base + r * RECORD_STEP
        if json_times:
            ns = ns // 10**6 * 10**6
        name, specific = event(rng, body_index, r, ns, r + 1)
        attributes = ([("event.name", name)] + identity(rng, body_index)
                      + [("event.timestamp", iso(ns)), ("event.sequence", r + 1), ("prompt.id", "p-%d" % body_index)]
                      + specific)
        records.append((ns, name, attributes))
    return records


def metric_points(rng, body_index):
    """[(name, unit, [(attributes, value)])] for the eight Claude Code metrics."""
    ident = identity(rng, body_index)
    models = rng.sample(MODELS, rng.randint(1, 3))
    tokens, cost = [], []
    for model in models:
        for kind, top in (("input", 5000), ("output", 2000), ("cacheRead", 50000), ("cacheCreation", 3000)):
            tokens.append((ident + [("type", kind), ("model", model)], float(rng.randint(1, top))))
        cost.append((ident + [("model", model)], round(rng.uniform(0.0001, 0.5), 6)))
    decisions = []
    for tool in rng.sample(["Edit", "Write", "NotebookEdit"], rng.randint(1, 2)):
        decisions.append((ident + [("tool_name", tool), ("decision", rng.choice(["accept", "reject"])),
                                   ("source", "config"), ("language", rng.choice(["Swift", "Python", "Go"]))],
                          float(rng.randint(1, 5))))
    return [
        ("claude_code.session.count", "", [(ident + [("start_type", "fresh")], 1.0)]),
        ("claude_code.token.usage", "tokens", tokens),
        ("claude_code.cost.usage", "USD", cost),
        ("claude_code.lines_of_code.count", "", [(ident + [("type", "added")], float(rng.randint(0, 300))),
                                                 (ident + [("type", "removed")], float(rng.randint(0, 100)))]),
        ("claude_code.commit.count", "", [(ident, float(rng.randint(1, 3)))]),
        ("claude_code.pull_request.count", "", [(ident, 1.0)]),
        ("claude_code.code_edit_tool.decision", "", decisions),
        ("claude_code.active_time.total", "s", [(ident + [("type", "user")], round(rng.uniform(1, 120), 3)),
                                               (ident + [("type", "cli")], round(rng.uniform(1, 60), 3))]),
    ]


# ---------------------------------------------------------------- bodies

def logs_pb(records):
    out = []
    for ns, name, attributes in records:
        out.append(ld(2, f64(1, ns) + tag(2, 0) + varint(9) + ld(5, pb_any("claude_code." + name))
                   + pb_attrs(6, attributes) + f64(11, ns)))
    scope = ld(1, pb_scope("com.anthropic.claude_code.events", "2.0.50")) + b"".join(out)
    return ld(1, ld(1, pb_resource(RESOURCE)) + ld(2, scope))


def logs_json(records):
    return json.dumps({"resourceLogs": [{
        "resource": {"attributes": js_attrs(RESOURCE)},
        "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code.events", "version": "2.0.50"},
                       "logRecords": [{"timeUnixNano": str(ns), "observedTimeUnixNano": str(ns), "severityNumber": 9,
                                       "body": {"stringValue": "claude_code." + name},
                                       "attributes": js_attrs(attributes)} for ns, name, attributes in records]}]}]}
    ).encode()


def metrics_pb(metrics, start, ns):
    out = []
    for name, unit, points in metrics:
        encoded = b"".join(ld(1, pb_attrs(7, attributes) + f64(2, start) + f64(3, ns) + dbl(4, value))
                           for attributes, value in points)
        body = ld(1, name.encode()) + (ld(3, unit.encode()) if unit else b"")
        body += ld(7, encoded + tag(2, 0) + varint(1) + tag(3, 0) + varint(1))
        out.append(ld(2, body))
    scope = ld(1, pb_scope("com.anthropic.claude_code", "2.0.50")) + b"".join(out)
    return ld(1, ld(1, pb_resource(RESOURCE)) + ld(2, scope))


def metrics_json(metrics, start, ns):
    items = []
    for name, unit, points in metrics:
        item = {"name": name}
        if unit:
            item["unit"] = unit
        item["sum"] = {"dataPoints": [{"attributes": js_attrs(attributes), "startTimeUnixNano": str(start),
                                       "timeUnixNano": str(ns), "asDouble": value} for attributes, value in points],
                       "aggregationTemporality": 1, "isMonotonic": True}
        items.append(item)
    return json.dumps({"resourceMetrics": [{
        "resource": {"attributes": js_attrs(RESOURCE)},
        "scopeMetrics": [{"scope": {"name": "com.anthropic.claude_code", "version": "2.0.50"}, "metrics": items}]}]}
    ).encode()


def find_all(haystack, needle):
    positions, start = [], 0
    while True:
        index = haystack.find(needle, start)
        if index < 0:
            return positions
        positions.append(index)
        start = index + 1


def sites_for(body, is_json, times, request_ids):
    """Patch positions: every occurrence of each timestamp and request id."""
    sites = []
    for ns in set(times):
        if is_json:
            needle = ('"%d"' % ns).encode()
            sites += [(p + 1 + len(str(ns)) - 6, "d") for p in find_all(body, needle)]
        else:
            sites += [(p, "b") for p in find_all(body, struct.pack("<Q", ns))]
    for rid in request_ids:
        sites += [(p + len(rid) - 6, "d") for p in find_all(body, rid.encode())]
    return sorted(sites)


def generate(count, seed, day_start_ns):
    rng = random.Random(seed)
    t0 = (day_start_ns + 3600 * 10**9) // SLOT * SLOT + SLOT  # low 30 bits 0
    for i in range(count):
        is_json = rng.random() < 0.5
        base = t0 + i * SLOT
        if rng.random() < 0.2:
            metrics = metric_points(rng, i)
            if is_json:
                ns = base // 10**6 * 10**6
                start = ns - START_BACK_JSON
                body = metrics_json(metrics, start, ns)
            else:
                ns, start = base, base - START_BACK_PB
                body = metrics_pb(metrics, start, ns)
            points = sum(len(p) for _, _, p in metrics)
            sites = sites_for(body, is_json, [ns, start], [])
            if len(sites) != 2 * points:
                raise SystemExit("body %d: %d sites for %d points" % (i, len(sites), points))
            yield "metrics", is_json, body, sites
        else:
            records = log_records(rng, i, base, is_json)
            rids = [v for _, _, a in records for k, v in a if k == "request_id"]
            body = logs_json(records) if is_json else logs_pb(records)
            sites = sites_for(body, is_json, [ns for ns, _, _ in records], rids)
            if len(sites) != 2 * len(records) + len(rids):
                raise SystemExit("body %d: %d sites for %d records" % (i, len(sites), len(records)))
            yield "logs", is_json, body, sites


def check(out_dir, every=1):
    """Parses every body with the real opentelemetry-proto classes (needs them importable)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    data = open(os.path.join(out_dir, "pool.bin"), "rb").read()
    counts = {}
    for number, line in enumerate(open(os.path.join(out_dir, "pool.idx"))):
        if number % every:
            continue
        signal, ctype, offset, length, sites = line.split()
        body = bytearray(data[int(offset):int(offset) + int(length)])
        # Patch cycle 123456 in, as wrk does, and check the result still parses.
        for site in ([] if sites == "-" else sites.split(",")):
            position, kind = site.split(":")
            position = int(position)
            if kind == "b":
                assert body[position:position + 3] == b"\0\0\0", (offset, site)
                body[position:position + 3] = (123456).to_bytes(3, "little")
            else:
                assert body[position:position + 6] == b"000000", (offset, site)
                body[position:position + 6] = b"123456"
        message = ExportMetricsServiceRequest() if signal == "metrics" else ExportLogsServiceRequest()
        if ctype == "application/json":
            json_format.Parse(bytes(body), message)
        else:
            message.ParseFromString(bytes(body))
        if signal == "logs":
            records = message.resource_logs[0].scope_logs[0].log_records
            assert 5 <= len(records) <= 50 and all(r.time_unix_nano % 10**6 == 123456 or
                                                   r.time_unix_nano % (1 << 24) == 123456 for r in records)
        else:
            names = [m.name for m in message.resource_metrics[0].scope_metrics[0].metrics]
            assert len(names) == 8 and all(m.sum.aggregation_temporality == 1 for m in
                                           message.resource_metrics[0].scope_metrics[0].metrics)
        counts[(signal, ctype)] = counts.get((signal, ctype), 0) + 1
    print("check: every body parses with opentelemetry-proto:",
          ", ".join("%s %s %d" % (s, c.split("/")[1], n) for (s, c), n in sorted(counts.items())))


def main():
    import argparse
    parser = argparse.ArgumentParser(description="the benchmark's pool of request bodies")
    parser.add_argument("out_dir")
    parser.add_argument("count", type=int, nargs="?")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="parse the pool in OUT_DIR with opentelemetry-proto")
    parser.add_argument("--every", type=int, default=1, help="with --check: every N-th body only")
    args = parser.parse_args()
    out_dir = args.out_dir
    if args.check:
        check(out_dir, args.every)
        return
    if args.count is None:
        parser.error("COUNT is required")
    os.makedirs(out_dir, exist_ok=True)
    day_start = int(time.time()) // 86400 * 86400 * 10**9
    offset = 0
    stats = {}
    with open(os.path.join(out_dir, "pool.bin.tmp"), "wb") as data, \
            open(os.path.join(out_dir, "pool.idx.tmp"), "w") as index:
        for signal, is_json, body, sites in generate(args.count, args.seed, day_start):
            ctype = "application/json" if is_json else "application/x-protobuf"
            data.write(body)
            index.write("%s %s %d %d %s\n" % (signal, ctype, offset, len(body),
                                              ",".join("%d:%s" % s for s in sites) or "-"))
            offset += len(body)
            key = (signal, "json" if is_json else "pb")
            n, total = stats.get(key, (0, 0))
            stats[key] = (n + 1, total + len(body))
    os.replace(os.path.join(out_dir, "pool.bin.tmp"), os.path.join(out_dir, "pool.bin"))
    os.replace(os.path.join(out_dir, "pool.idx.tmp"), os.path.join(out_dir, "pool.idx"))
    print("pool: %d bodies, %.1f MB:" % (args.count, offset / 1e6),
          ", ".join("%s/%s %d (avg %d B)" % (s, f, n, t // n) for (s, f), (n, t) in sorted(stats.items())))


if __name__ == "__main__":
    main()
