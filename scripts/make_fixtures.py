"""Write OTLP request-body fixtures with the real OpenTelemetry Python encoders.

    python make_fixtures.py pb   OUT_DIR   # needs opentelemetry-exporter-otlp-proto-common
    python make_fixtures.py json OUT_DIR   # needs opentelemetry-exporter-otlp-json-common

Run through scripts/make-fixtures.sh, which sets up one virtual environment per
encoder. The scenario (every value) lives in fixture_scenario.py.

Each file is exactly the HTTP request body the matching exporter would send:
  pb:   encode_*(data).SerializeToString()      (opentelemetry-exporter-otlp-proto-http)
  json: encode_*(data).to_json().encode()       (opentelemetry-exporter-otlp-json-http)
The .gz files are gzip.compress(body, mtime=0), so they are byte-for-byte
reproducible (a real exporter's gzip header carries the current time instead).
"""

from __future__ import annotations

import gzip
import os
import sys
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fixture_scenario  # noqa: E402


def pb_encoders():
    from opentelemetry.exporter.otlp.proto.common._internal._log_encoder import encode_logs
    from opentelemetry.exporter.otlp.proto.common._internal.metrics_encoder import encode_metrics
    from opentelemetry.exporter.otlp.proto.common._internal.trace_encoder import encode_spans

    return {
        "metrics": lambda data: encode_metrics(data).SerializeToString(),
        "logs": lambda data: encode_logs(data).SerializeToString(),
        "traces": lambda data: encode_spans(data).SerializeToString(),
    }, "opentelemetry-exporter-otlp-proto-common"


def json_encoders():
    from opentelemetry.exporter.otlp.json.common._internal._log_encoder import encode_logs
    from opentelemetry.exporter.otlp.json.common._internal.metrics_encoder import encode_metrics
    from opentelemetry.exporter.otlp.json.common._internal.trace_encoder import encode_spans

    return {
        "metrics": lambda data: encode_metrics(data).to_json().encode(),
        "logs": lambda data: encode_logs(data).to_json().encode(),
        "traces": lambda data: encode_spans(data).to_json().encode(),
    }, "opentelemetry-exporter-otlp-json-common"


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("pb", "json"):
        print(__doc__, file=sys.stderr)
        return 2
    ext, out_dir = argv[1], argv[2]
    encoders, package = pb_encoders() if ext == "pb" else json_encoders()
    print(f"{ext}: {package} {version(package)}, opentelemetry-sdk {version('opentelemetry-sdk')}")
    os.makedirs(out_dir, exist_ok=True)
    for base, signal, build, also_gzip in fixture_scenario.FIXTURES:
        body = encoders[signal](build())
        outputs = [(f"{base}.{ext}", body)]
        if also_gzip:
            outputs.append((f"{base}.{ext}.gz", gzip.compress(body, compresslevel=9, mtime=0)))
        for name, data in outputs:
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(data)
            print(f"  {len(data):6d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
