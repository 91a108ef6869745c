#!/usr/bin/env python3
"""Prints the benchmark's table (Markdown) from the raw results Benchmarks/run.sh collected.

    report.py RESULTS_DIR > results.md
    report.py --history RESULTS_DIR > history.md    only the users-with-history tables (step 2b)
"""

import glob
import json
import os
import re
import statistics
import sys

HISTORY_ONLY = sys.argv[1] == "--history"
RESULTS = sys.argv[2] if HISTORY_ONLY else sys.argv[1]
MiB = 1024.0  # kB per MiB (VmRSS is in kB)


def path(name):
    return os.path.join(RESULTS, name)


def load(name):
    try:
        with open(path(name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def storage(name):
    try:
        text = open(path("storage-%s.txt" % name)).read()
    except OSError:
        return None
    match = re.search(r"ops_per_s=([\d.]+)", text)
    return float(match.group(1)) if match else None


machine = {}
for line in open(path("machine.txt")) if os.path.exists(path("machine.txt")) else []:
    if "=" in line:
        key, value = line.rstrip("\n").split("=", 1)
        machine[key] = value


def fmt_rate(value):
    return "—" if value is None else "{:,.0f}".format(value)


def fmt_ratio(a, b):
    if a is None or not b:
        return "—"
    return "%.0f %%" % (100.0 * a / b)


def verdict(ok):
    return "—" if ok is None else ("**PASS**" if ok else "**FAIL**")


def valid(name):
    """(rps or None, note) of a product run; figures only count with 0 errors and every
    request written."""
    result = load(name + ".json")
    if result is None:
        return None, "not run"
    notes = []
    if result["non200"]:
        notes.append("%d non-200 (%s)" % (result["non200"], result["statuses"]))
    if result["socket_errors"] or result["timeouts"]:
        notes.append("%d socket errors, %d timeouts" % (result["socket_errors"], result["timeouts"]))
    if result["partial"]:
        notes.append("%d partial successes" % result["partial"])
    written = load(name + ".written.json")
    if written is not None and not written["consistent"]:
        notes.append("%d requests written for %d answered 200 (replays?)" % (written["written"], written["ok"]))
    if notes:
        return None, "INVALID: " + "; ".join(notes)
    return result["rps"], ""


def cpu_cells(name):
    """("responder / nginx / wrk µs", "busy % (others %)") of a wrk run."""
    c = load(name + ".cpu.json")
    if not c:
        return ("—", "—")
    return ("%.0f / %.0f / %.0f µs" % (c["responder_us"], c["nginx_us"], c["wrk_us"]),
            "%.0f %% (%.0f %%)" % (c["machine_busy_pct"], c["others_pct"]))


def best(*values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def history_tables():
    """Step 2b: the write cost by history, bytes written per request, and the throughput over
    users with a year of history against new users and the durable 4 KiB storage loop."""
    lines = ["### Users with history (step 2b)", ""]
    cost = load("history-cost.json")
    if cost:
        lines += ["One client, one request at a time, the users measured alternately (%d rounds each), "
                  "durable mode:" % cost["rounds"], "",
                  "| history | median | p90 | × new user (goal ≤ 1.25) | bytes written per request |",
                  "|---|---|---|---|---|"]
        for label, row in cost["users"].items():
            goal = "" if label == "new" else " " + verdict(row["ratio_to_new"] <= 1.25)
            lines.append("| %s | %.2f ms | %.2f ms | %.2f%s | %s |" % (
                label, row["median_ms"], row["p90_ms"], row["ratio_to_new"], goal,
                "{:,.0f}".format(row["bytes_written_per_request"])))
        lines.append("")
    rows = []
    for population in (100, 1000):
        ceiling = storage("durable-history-u%d-4k" % population)
        for kind, label in (("old", "400 days"), ("new", "new")):
            rps, note = valid("history-%s-u%d" % (kind, population))
            written = load("history-%s-u%d.written.json" % (kind, population)) or {}
            ok = None if rps is None or not ceiling else rps / ceiling >= 0.70
            rows.append("| %d | %s | %s | %s | %s | %s | %s |" % (
                population, label, fmt_rate(rps) if rps is not None else note, fmt_rate(ceiling),
                fmt_ratio(rps, ceiling), verdict(ok), "{:,}".format(written.get("median_bytes", 0))))
    def bench_lines(name, kind, population, part=""):
        """The `key=value` lines telemetry-bench printed for one reader (`name`, then `part`) over
        one population and history, one dict per line; [] when the step did not run."""
        try:
            text = open(path("history-%s%s-%s-u%d.txt" % (name, part, kind, population))).read()
        except OSError:
            return []
        return [dict(item.split("=", 1) for item in line.split() if "=" in item) for line in text.splitlines()]

    def reader_fields(name, kind, population):
        """Every field of one reader's lines (a later line's value wins); None when it did not run."""
        lines = bench_lines(name, kind, population)
        return {key: value for fields in lines for key, value in fields.items()} if lines else None

    def reader_rows(name, row):
        """One row per population and history from the `key=value` lines of telemetry-bench."""
        out = []
        for population in (100, 1000):
            for kind, label in (("old", "400 days"), ("new", "new")):
                fields = reader_fields(name, kind, population)
                if fields is not None:
                    out.append("| %d | %s | %s" % (population, label, row(fields)))
        return out

    scrapes = reader_rows("scrape", lambda f: "%s ms | %s ms | %s ms |" % (
        f.get("first_ms", "—"), f.get("median_ms", "—"), f.get("cpu_median_ms", "—")))
    if scrapes:
        lines += ["Prometheus scrape over the same users (`telemetry-bench scrape-dir`; later scrapes reuse the views "
                  "of unchanged users):", "", "| users | history | first scrape | later scrapes (median) | CPU (median) |",
                  "|---|---|---|---|---|"] + scrapes + [""]
        for population in (100, 1000):
            warm = [float((reader_fields("scrape", kind, population) or {}).get("median_ms", 0)) for kind in ("old", "new")]
            if all(warm):
                ratio = warm[0] / warm[1]
                lines += ["Later scrapes over %d users, 400 days / new: %.2f× (goal ≤ 2×) %s" % (
                    population, ratio, verdict(ratio <= 2.0)), ""]

    def firsts(name, kind, population):
        """Every `first_ms` of the step's runs of one reader over one population and history."""
        return [float(fields["first_ms"]) for part in ("", "-first")
                for fields in bench_lines(name, kind, population, part) if "first_ms" in fields]

    def team_row(f):
        changed, unchanged = (float(f.get(key, "nan")) for key in ("after_one_write_p50_ms", "unchanged_p50_ms"))
        return "%.1f ms %s | %.1f ms %s | %s |" % (
            changed, verdict(changed <= 150), unchanged, verdict(unchanged <= 150),
            "{:,}".format(int(f["answer_bytes"])) if "answer_bytes" in f else "—")

    teams = reader_rows("team", team_row)
    if teams:
        lines += ["Team summary over the same users (`telemetry-bench team-dir`): the first after one user's write "
                  "(median of 10), and with nothing changed (median):", "",
                  "| users | history | after one write (goal ≤ 150 ms) | unchanged | answer bytes |",
                  "|---|---|---|---|---|"] + teams + [""]
    ratios = []
    for population in (100, 1000):
        old, new = firsts("team", "old", population), firsts("team", "new", population)
        if not old or not new:
            continue
        ratio = statistics.median(old) / statistics.median(new)
        ratios.append("| %d | %.1f ms (%s) %s | %.1f ms (%s) | %.2f× %s |" % (
            population, statistics.median(old), ", ".join("%.0f" % v for v in old), verdict(max(old) <= 1000),
            statistics.median(new), ", ".join("%.0f" % v for v in new), ratio, verdict(ratio <= 2.0)))
    if ratios:
        lines += ["The first team summary after a start, each a new process, the two histories alternately (median, "
                  "then every run):", "",
                  "| users | 400 days (goal ≤ 1 s) | new | 400 days / new (goal ≤ 2×) |",
                  "|---|---|---|---|"] + ratios + [""]
    if rows:
        lines += ["Throughput, wrk -c %s, durable, against the durable 4 KiB storage loop (2 processes) "
                  "measured right after:" % "32", "",
                  "| users | history | req/s | storage loop | ratio | goal ≥ 70 % | median aggregate.json |",
                  "|---|---|---|---|---|---|---|"] + rows + [""]
    return lines


if HISTORY_ONLY:
    print("\n".join(history_tables()))
    sys.exit(0)

http_post = {p: load("ceiling-post-p%d.json" % p) for p in (1, 2)}
http_get = {p: load("ceiling-get-p%d.json" % p) for p in (1, 2)}
post_ceiling = best(*(r["rps"] for r in http_post.values() if r))
get_ceiling = best(*(r["rps"] for r in http_get.values() if r))

def matched(mode):
    """The storage ceiling under the product run's conditions (same length, same document size,
    settled file system): the better of 2 processes and the product's worker count."""
    writers = machine.get("matched_%s_writers" % mode)
    return best(storage("%s-u1000-matched-p2" % mode),
                storage("%s-u1000-matched-p%s" % (mode, writers)) if writers else None)


short_ceiling = {
    mode: best(storage("%s-u1000-p1" % mode), storage("%s-u1000-p2" % mode), storage("%s-u1000-p4" % mode))
    for mode in ("fast", "durable")
}
storage_ceiling = {
    ("fast", 1000): matched("fast"),
    ("durable", 1000): matched("durable"),
    ("fast", 1): storage("fast-u1-p2"),
    ("durable", 1): storage("durable-u1-p2"),
}

out = []
w = out.append
w("# claude-telemetry benchmark (%s run, %s)" % (machine.get("mode", "?"), machine.get("date", "?")))
w("")
w("Machine: %s CPUs (%s), %s RAM, data on %s, %s, nginx %s, %s, wrk %s. Load average before %s, after %s."
  % (machine.get("nproc"), machine.get("cpu"), machine.get("memory"), machine.get("fs"), machine.get("kernel"),
     machine.get("nginx"), machine.get("swift"), machine.get("wrk"), machine.get("load_before"),
     machine.get("load_after")))
w("")
w("Product: claude-telemetry-fcgi behind nginx (nginx/nginx-local.conf.in, 1 worker) under spawn-fcgi; "
  "processes x threads: fast %s, durable %s. wrk -c %s -t %s, every request a distinct batch "
  "(pool of %s bodies: %s)."
  % (machine.get("config_fast"), machine.get("config_durable"), machine.get("connections"),
     machine.get("wrk_threads"), machine.get("pool_size"),
     open(path("pool.txt")).read().strip().splitlines()[0].split(":", 1)[-1].strip()
     if os.path.exists(path("pool.txt")) else "?"))
w("")

# ---------------------------------------------------------------- main table
w("## Product against ceilings")
w("")
w("| measurement | product | ceiling | product / ceiling | goal | result |")
w("|---|---:|---:|---:|---|---|")
for mode in ("fast", "durable"):
    for users in (1000, 1):
        name = "product-%s-u%d" % (mode, users)
        rps, note = valid(name)
        ceiling = storage_ceiling[(mode, users)]
        label = "POST %s, %d user%s (req/s)" % (mode, users, "s" if users > 1 else "")
        if users == 1000:
            goal = ">= 70 % of the storage ceiling"
            ok = None if rps is None or ceiling is None else rps >= 0.7 * ceiling
            if rps is None:
                ok = False
        else:
            goal, ok = "(none: one user's lock serialises everything)", None
        w("| %s | %s%s | storage %s %s | %s | %s | %s |"
          % (label, fmt_rate(rps), (" " + note) if note else "", mode, fmt_rate(ceiling),
             fmt_ratio(rps, ceiling), goal, verdict(ok)))
        if users == 1000:
            w("|   same, against the storage loop's %s s bursts (4 KiB files) | | storage %s %s | %s | (information) | |"
              % (machine.get("storage_seconds", "?"), mode, fmt_rate(short_ceiling[mode]),
                 fmt_ratio(rps, short_ceiling[mode])))
        w("|   same, against the empty responder | | HTTP POST %s | %s | (information) | |"
          % (fmt_rate(post_ceiling), fmt_ratio(rps, post_ceiling)))
get = load("product-get.json")
get_rps = get["rps"] if get and not get["non200"] else None
w("| GET health %s (req/s) | %s | empty GET %s | %s | >= 70 %% of the empty responder | %s |"
  % ("/api/v1/integrations/claude/metrics", fmt_rate(get_rps), fmt_rate(get_ceiling),
     fmt_ratio(get_rps, get_ceiling), verdict(get_rps is not None and get_ceiling and get_rps >= 0.7 * get_ceiling)))
fast = load("product-fast-u1000.json")
empty = http_post.get(2) or http_post.get(1)
if fast:
    w("| latency p50 / p99, POST fast, 1000 users, %s connections, closed loop (saturated) | %.2f / %.2f ms | empty POST %.2f / %.2f ms | | p99 <= 5 ms | %s |"
      % (machine.get("connections"), fast["p50_ms"], fast["p99_ms"], empty["p50_ms"] if empty else 0,
         empty["p99_ms"] if empty else 0, verdict(fast["p99_ms"] <= 5.0 and valid("product-fast-u1000")[0] is not None)))
paced = load("product-fast-paced.json")
if paced:
    try:
        target = int(open(path("product-fast-paced.rate")).read())
    except (OSError, ValueError):
        target = 0
    w("| latency p50 / p99, POST fast, 1000 users, %s connections paced at %s req/s (half the closed loop's), reached %s | %.2f / %.2f ms | | | p99 <= 5 ms | %s |"
      % (machine.get("connections"), fmt_rate(target), fmt_rate(paced["rps"]), paced["p50_ms"], paced["p99_ms"],
         verdict(paced["p99_ms"] <= 5.0 and not paced["non200"])))
fast1 = load("product-fast-u1.json")
if fast1:
    w("| latency p50 / p99, POST fast, 1 user | %.2f / %.2f ms | | | (information) | |" % (fast1["p50_ms"], fast1["p99_ms"]))

# decode: the best of the rounds, per line (the swift-protobuf lines are named after the file above them)
decode, seen = [], {}
try:
    current = ""
    for line in open(path("decode.txt")):
        match = re.match(r"^(\s*)(.+?)\s+([\d.]+) us/batch\s+([\d.]+) MB/s\s+\((\d+) bytes", line)
        if not match:
            continue
        label = match.group(2).strip()
        if label.startswith("decode "):
            current = label
        else:
            label = current + " " + label
        entry = (label, float(match.group(3)), float(match.group(4)), int(match.group(5)))
        if label not in seen:
            seen[label] = len(decode)
            decode.append(entry)
        elif entry[2] > decode[seen[label]][2]:
            decode[seen[label]] = entry
except OSError:
    pass
last_file = None
for label, us, mbs, size in decode:
    if label.startswith("decode ") and " " not in label[len("decode "):]:
        last_file = label[len("decode "):]
        if last_file.endswith(".pb"):
            w("| decode %s (%d B), hand-written protobuf path | %.0f MB/s, %.1f µs/batch | | | >= 200 MB/s | %s |"
              % (last_file, size, mbs, us, verdict(mbs >= 200)))
        else:
            w("| decode %s (%d B) | %.0f MB/s, %.1f µs/batch | | | (information) | |" % (last_file, size, mbs, us))

# Team summary (telemetry-bench team): key=value lines
team = {}
try:
    for line in open(path("team.txt")):
        kind, *pairs = line.split()
        team[kind] = dict(pair.split("=", 1) for pair in pairs)
except OSError:
    pass
if "team" in team:
    t = team["team"]
    w("| team summary, %s users (%s KB documents, %s KB answer) | p50 %s ms, max %s ms (first request, parsing every document: %s ms; 304: %s ms) | | | <= 150 ms | %s |"
      % (t["users"], int(t["document_bytes"]) // 1000, int(t["answer_bytes"]) // 1000, t["p50_ms"], t["max_ms"],
         t["first_ms"], t["not_modified_p50_ms"], verdict(float(t["max_ms"]) <= 150)))
if "team-rss" in team:
    t = team["team-rss"]
    rss = [int(v) for v in t["rss_kib"].split(",")]
    growth = (rss[-1] - rss[1]) / 1024 if len(rss) > 1 else 0
    w("| RSS over %s team requests, %s users | %.1f MiB after the first, %.1f MiB at the end, peak %.1f MiB (%.0f s) | | | flat (growth <= 2 MiB) | %s |"
      % ("{:,}".format(int(t["requests"])), t["users"], rss[1] / 1024 if len(rss) > 1 else 0, rss[-1] / 1024,
         int(t["hwm_kib"]) / 1024, float(t["seconds"]), verdict(growth <= 2)))
# Prometheus scrape (telemetry-bench scrape): speed over 1000 users, RSS over many scrapes
def scrape_line(name):
    try:
        text = open(path(name)).read().split()
    except OSError:
        return None
    return dict(field.split("=", 1) for field in text[1:] if "=" in field)


scrape = scrape_line("scrape.txt")
if scrape:
    w("| Prometheus scrape over %s users (read every aggregate.json, render; %s series lines, %s bytes) | median %s ms, p99 %s ms (CPU %s ms) | | | <= 200 ms | %s |"
      % (scrape["users"], scrape["lines"], "{:,}".format(int(scrape["bytes"])), scrape["median_ms"], scrape["p99_ms"],
         scrape.get("cpu_median_ms", "?"), verdict(float(scrape["median_ms"]) <= 200)))
scrape_rss = scrape_line("scrape-rss.txt")
if scrape_rss:
    growth = (int(scrape_rss["rss_end_kib"]) - int(scrape_rss["rss_after_10_kib"])) / MiB
    w("| RSS over %s scrapes of %s users: after 10 scrapes / at the end | %.1f / %.1f MiB (%+.1f MiB) | | | flat (<= 2 MiB growth) | %s |"
      % ("{:,}".format(int(scrape_rss["scrapes"])), scrape_rss["users"], int(scrape_rss["rss_after_10_kib"]) / MiB,
         int(scrape_rss["rss_end_kib"]) / MiB, growth, verdict(growth <= 2.0)))

# RSS
samples = []
try:
    for line in open(path("rss.tsv")):
        label, requests, pid, rss, hwm = line.split()
        samples.append((label, int(requests), int(pid), int(rss or 0), int(hwm or 0)))
except OSError:
    pass
pids = sorted({s[2] for s in samples})
if samples:
    final = {pid: [s for s in samples if s[2] == pid][-1] for pid in pids}
    first = {pid: ([s for s in samples if s[2] == pid and s[1] > 0] or [s for s in samples if s[2] == pid])[0]
             for pid in pids}
    peak = max(final[p][4] for p in pids) / MiB
    rss_end = max(final[p][3] for p in pids) / MiB
    growth = max((final[p][3] - first[p][3]) / MiB for p in pids)
    total = final[pids[0]][1]
    target = int(machine.get("rss_target", "0") or 0)
    w("| peak RSS (VmHWM) per process after %s requests | %.1f MiB | | | <= 30 MiB | %s |"
      % ("{:,}".format(total), peak, verdict(peak <= 30)))
    reached = total >= 0.95 * target
    w("| RSS (VmRSS) per process at the end; growth since the first sample | %.1f MiB; %+.1f MiB | | | flat (<= 2 MiB growth) over %s requests | %s |"
      % (rss_end, growth, "{:,}".format(target), verdict(growth <= 2.0 and reached)
         + ("" if reached else " (only %s requests in the time allowed)" % "{:,}".format(total))))

# Memory under large bodies (issue #11): 8 clients sending maximum-size bodies, one small client.
large = load("large-bodies.json")
if large:
    budget_mib = int(machine.get("large_budget_bytes", "0") or 0) / MiB / MiB
    hwm = max(m.get("VmHWM", 0) for m in large["memory_kib"].values()) / MiB if large["memory_kib"] else 0.0
    answers = ", ".join("%s: %d" % item for item in sorted(large["large_answers"].items()))
    w("| peak RSS (VmHWM) per process, %d clients sending %.1f MiB bodies for %.0f s (answers %s) | %.1f MiB | | | <= 64 MiB + budget (%.0f MiB) = %.0f MiB | %s |"
      % (large["clients"], large["body_bytes"] / MiB / MiB, large["seconds"], answers, hwm, budget_mib, 64 + budget_mib,
         verdict(hwm <= 64 + budget_mib)))
    w("| a small request's p99 under that load (%d requests, %d non-200) | %.1f ms (p50 %.1f, max %.1f) | | | <= 50 ms | %s |"
      % (large["small_requests"], large["small_non200"], large["small_p99_ms"], large["small_p50_ms"], large["small_max_ms"],
         verdict(large["small_p99_ms"] <= 50 and large["small_non200"] == 0)))
w("")

# ---------------------------------------------------------------- details
w("## Ceilings")
w("")
w("| ceiling | req/s or ops/s | p50 / p99 | CPU per request: empty responder / nginx / wrk | machine busy (others) |")
w("|---|---:|---|---|---|")
for p in (1, 2):
    for kind, table in (("GET", http_get), ("POST (pool bodies, discarded)", http_post)):
        r = table.get(p)
        if r:
            name = "ceiling-%s-p%d" % ("get" if kind == "GET" else "post", p)
            w("| empty FastCGI responder (C, libfcgi), %d process%s, %s | %s | %.2f / %.2f ms | %s | %s |"
              % (p, "es" if p > 1 else "", kind, fmt_rate(r["rps"]), r["p50_ms"], r["p99_ms"], cpu_cells(name)[0],
                 cpu_cells(name)[1]))
for mode in ("fast", "durable"):
    for name, label in (("u1000-p1", "1000 users, 1 process"), ("u1000-p2", "1000 users, 2 processes (disjoint users)"),
                        ("u1000-p4", "1000 users, 4 processes (disjoint users)"),
                        ("u1-p2", "1 user, 2 processes (contending for its lock)")):
        w("| storage loop (C) %s, 4 KiB file, %s | %s | | | |" % (mode, label, fmt_rate(storage("%s-%s" % (mode, name)))))
for mode in ("fast", "durable"):
    writers = machine.get("matched_%s_writers" % mode)
    for processes in sorted({"2", writers or "2"}, key=int):
        value = storage("%s-u1000-matched-p%s" % (mode, processes))
        if value is not None:
            w("| storage loop (C) %s, %s B file (the product run's median document), 1000 users, %s processes, "
              "as long as the product run | %s | | | |"
              % (mode, machine.get("matched_%s_bytes" % mode), processes, fmt_rate(value)))
w("")

w("## Product runs")
w("")
w("| run | req/s | p50 / p90 / p99 / max ms | non-200 | partial | written / answered 200 | aggregate.json median / max | CPU per request: responder / nginx / wrk | machine busy (others) |")
w("|---|---:|---|---:|---:|---|---|---|---|")
names = ["product-fast-u1000", "product-fast-paced", "product-fast-u1", "product-durable-u1000", "product-durable-u1", "product-get"]
names += sorted(n for n in (os.path.basename(p)[:-len(".json")] for p in glob.glob(path("sweep-*.json"))) if "." not in n)
for name in names:
    r = load(name + ".json")
    if not r:
        continue
    written = load(name + ".written.json")
    wtext = "%d / %d%s" % (written["written"], written["ok"], "" if written["consistent"] else " MISMATCH") if written else "—"
    sizes = "%s / %s B" % ("{:,}".format(written["median_bytes"]), "{:,}".format(written["max_bytes"])) if written else "—"
    w("| %s | %s | %.2f / %.2f / %.2f / %.1f | %d%s | %d | %s | %s | %s | %s |"
      % ((name, fmt_rate(r["rps"]), r["p50_ms"], r["p90_ms"], r["p99_ms"], r["max_ms"], r["non200"],
         (" (%s)" % r["statuses"]) if r["statuses"] else "", r["partial"], wtext, sizes) + cpu_cells(name)))
w("")

if samples:
    w("## RSS of the responder processes (fast mode, 1000 users)")
    w("")
    w("| after requests | " + " | ".join("pid %d VmRSS / VmHWM" % p for p in pids) + " | req/s in the segment |")
    w("|---:|" + "---|" * len(pids) + "---:|")
    for label in dict.fromkeys(s[0] for s in samples):
        row = [s for s in samples if s[0] == label]
        by_pid = {s[2]: s for s in row}
        seg = load("rss-%s.json" % label.split("-")[-1]) if label.startswith("segment-") else None
        w("| %s | " % "{:,}".format(row[0][1]) + " | ".join(
            "%.1f / %.1f MiB" % (by_pid[p][3] / MiB, by_pid[p][4] / MiB) if p in by_pid else "—" for p in pids)
          + " | %s |" % (fmt_rate(seg["rps"]) + ("" if not seg["non200"] else " (%d non-200)" % seg["non200"]) if seg else "—"))
    w("")

if decode:
    w("## Decode (telemetry-bench decode Tests/TelemetryTesting/Fixtures, best of the rounds)")
    w("")
    w("| what | µs/batch | MB/s |")
    w("|---|---:|---:|")
    for label, us, mbs, size in decode:
        w("| %s | %.1f | %.0f |" % (label, us, mbs))
    w("")

out += [""] + history_tables()
print("\n".join(out))
