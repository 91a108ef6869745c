"""A telemetry client shaped like Claude Code, built on the real OpenTelemetry Python SDK.

Runs inside either end-to-end virtual environment:
  * proto venv: opentelemetry-exporter-otlp-proto-http (http/protobuf)
  * json venv:  opentelemetry-exporter-otlp-json-http (http/json)

    python claude_like.py proto|json SPEC_JSON

Like Claude Code, it configures everything through the environment: the exporters are built
WITHOUT arguments, so OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_{METRICS,LOGS}_ENDPOINT,
OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_COMPRESSION and
OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE are read by the SDK itself. Export
intervals come from OTEL_METRIC_EXPORT_INTERVAL / OTEL_BLRP_SCHEDULE_DELAY (the caller sets
them long, so only the explicit flushes below export).

SPEC_JSON (all values chosen by the caller, so it knows the exact expected totals):
  {
    "resource": {"service.name": "claude-code", ...},
    "identity": {"user.id": "...", "session.id": "..."},    # on every point and record
    "metric_rounds": [[[metric name, {attributes}, float value], ...], ...],
    "log_rounds": [[{"body": "claude_code.x", "attributes": {...}}, ...], ...]
  }
Each metric round is one export cycle: its adds, then MeterProvider.force_flush(). Each log
round is emitted, then LoggerProvider.force_flush(). Both providers are shut down at the end.

Prints one JSON line: {"metric_exports": [...], "log_exports": [...]} (one result name per
export call) and exits 0 only when every export succeeded and each round exported.
"""

from __future__ import annotations

import json
import sys
import time

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

KIND = sys.argv[1]
if KIND == "proto":
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
elif KIND == "json":
    from opentelemetry.exporter.otlp.json.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter
else:
    sys.exit(f"unknown exporter kind {KIND!r}; expected proto or json")

# Claude Code's metric units (see the shared notes, section 3).
UNITS = {
    "claude_code.token.usage": "tokens",
    "claude_code.cost.usage": "USD",
    "claude_code.active_time.total": "s",
}

METRIC_RESULTS: list[str] = []
LOG_RESULTS: list[str] = []


class RecordingMetricExporter(OTLPMetricExporter):
    """The real exporter, unchanged, that also remembers each export's result."""

    def export(self, metrics_data, timeout_millis: float = 10_000, **kwargs):
        result = super().export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        METRIC_RESULTS.append(result.name)
        return result


class RecordingLogExporter(OTLPLogExporter):
    def export(self, batch, *args, **kwargs):
        result = super().export(batch, *args, **kwargs)
        LOG_RESULTS.append(result.name)
        return result


def describe(exporter, attribute: str) -> str | None:
    client = getattr(exporter, "_client", None)
    value = getattr(client, attribute, None)
    if value is None:
        return None
    return str(getattr(value, "value", value))


def main() -> int:
    spec = json.loads(sys.argv[2])
    identity = spec.get("identity", {})
    resource = Resource.create(spec.get("resource", {"service.name": "claude-code"}))

    # Built without arguments: endpoint, headers, compression and temporality from the environment.
    metric_exporter = RecordingMetricExporter()
    meter_provider = MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(metric_exporter)])
    log_exporter = RecordingLogExporter()
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter))

    meter = meter_provider.get_meter("com.anthropic.claude_code", "2.0.50")
    logger = logger_provider.get_logger("com.anthropic.claude_code.events", "2.0.50")
    counters = {}

    problems = []
    for index, round_ in enumerate(spec.get("metric_rounds", [])):
        for name, attributes, value in round_:
            if name not in counters:
                counters[name] = meter.create_counter(name, unit=UNITS.get(name, ""), description=name)
            counters[name].add(float(value), {**identity, **attributes})
        before = len(METRIC_RESULTS)
        if not meter_provider.force_flush(timeout_millis=15_000):
            problems.append(f"metric round {index}: force_flush returned False")
        if len(METRIC_RESULTS) == before:
            problems.append(f"metric round {index}: nothing was exported")

    sequence = 0
    for index, round_ in enumerate(spec.get("log_rounds", [])):
        for event in round_:
            sequence += 1
            now = time.time_ns()
            attributes = {
                **identity,
                "event.timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now / 1e9))
                + ".%03dZ" % (now // 1_000_000 % 1000),
                "event.sequence": sequence,
                "prompt.id": "p-%d" % index,
                **event.get("attributes", {}),
            }
            logger.emit(
                LogRecord(
                    timestamp=now,
                    observed_timestamp=now,
                    severity_number=SeverityNumber.INFO,
                    body=event.get("body"),
                    attributes=attributes,
                )
            )
        before = len(LOG_RESULTS)
        if not logger_provider.force_flush(timeout_millis=15_000):
            problems.append(f"log round {index}: force_flush returned False")
        if len(LOG_RESULTS) == before:
            problems.append(f"log round {index}: nothing was exported")

    # Claude Code flushes at exit; so do we. Nothing new is pending, so this exports at most
    # empty or unchanged data.
    meter_provider.shutdown(timeout_millis=15_000)
    logger_provider.shutdown()

    problems += [f"metric export {i}: {r}" for i, r in enumerate(METRIC_RESULTS) if r != "SUCCESS"]
    problems += [f"log export {i}: {r}" for i, r in enumerate(LOG_RESULTS) if r != "SUCCESS"]
    print(
        json.dumps(
            {
                "metric_exports": METRIC_RESULTS,
                "log_exports": LOG_RESULTS,
                "problems": problems,
                # What the SDK resolved from the environment (private attributes, for diagnosis).
                "metric_endpoint": describe(metric_exporter, "_endpoint"),
                "log_endpoint": describe(log_exporter, "_endpoint"),
                "compression": describe(metric_exporter, "_compression"),
            }
        )
    )
    return 0 if not problems else 2


if __name__ == "__main__":
    sys.exit(main())
