"""Spans shaped like Claude Code's enhanced telemetry beta, through the real OpenTelemetry
Python SDK and its OTLP/HTTP span exporter.

    python claude_like_traces.py proto|json SPEC_JSON

Like Claude Code, the exporter is built WITHOUT arguments: OTEL_EXPORTER_OTLP_ENDPOINT (the SDK
appends /v1/traces), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS and
OTEL_EXPORTER_OTLP_COMPRESSION come from the environment.

SPEC_JSON:
  {
    "resource": {"service.name": "claude-code", ...},
    "identity": {"user.id": "...", ...},                 # on every span
    "spans": [{"name": "claude_code.llm_request", "start_ms": 0, "end_ms": 1200,
               "attributes": {...}, "error": false}, ...],   # children of one interaction span
    "replays": 1                                           # how many times the batch is sent again
  }
All spans are exported in one batch (force_flush); then the exporter sends that same batch
again `replays` times, as an exporter retrying a lost answer would.

Prints one JSON line: {"exports": [result names], "problems": [...]}.
"""

from __future__ import annotations

import json
import sys
import time

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.status import Status, StatusCode

KIND = sys.argv[1]
if KIND == "proto":
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
elif KIND == "json":
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
else:
    sys.exit(f"unknown exporter kind {KIND!r}; expected proto or json")

RESULTS: list[str] = []
BATCHES: list = []


class RecordingSpanExporter(OTLPSpanExporter):
    """The real exporter, unchanged, that also remembers each batch and result."""

    def export(self, spans, *args, **kwargs):
        BATCHES.append(list(spans))
        result = super().export(spans, *args, **kwargs)
        RESULTS.append(result.name)
        return result


def main() -> int:
    spec = json.loads(sys.argv[2])
    identity = spec.get("identity", {})
    exporter = RecordingSpanExporter()
    provider = TracerProvider(resource=Resource.create(spec.get("resource", {"service.name": "claude-code"})))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("com.anthropic.claude_code.tracing", "2.0.50")

    problems = []
    base = time.time_ns() - 60_000_000_000
    ms = 1_000_000
    interaction = tracer.start_span("claude_code.interaction", start_time=base, attributes=identity)
    parent = trace.set_span_in_context(interaction)
    last = 0
    for entry in spec["spans"]:
        span = tracer.start_span(entry["name"], context=parent, start_time=base + entry["start_ms"] * ms,
                                 attributes={**identity, **entry.get("attributes", {})})
        if entry.get("error"):
            span.set_status(Status(StatusCode.ERROR, "request failed"))
        span.end(end_time=base + entry["end_ms"] * ms)
        last = max(last, entry["end_ms"])
    interaction.end(end_time=base + (last + 1) * ms)
    if not provider.force_flush(timeout_millis=15_000):
        problems.append("force_flush returned False")
    if len(BATCHES) != 1:
        problems.append(f"expected one batch, exported {len(BATCHES)}")
    for _ in range(spec.get("replays", 0)):
        if BATCHES:
            exporter.export(BATCHES[0])
    provider.shutdown()
    print(json.dumps({"exports": RESULTS, "problems": problems}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
