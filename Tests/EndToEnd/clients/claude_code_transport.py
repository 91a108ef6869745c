"""Claude Code's own OTLP/HTTP transport, as observed with the real CLI 2.1.332
(/work's shared facts, "What Claude Code does when we fail"), for tests that must lose nothing
across restarts without a 180 MB CLI per run:

- a refused or reset connection is not retried: the batch is dropped at once;
- 429, 502, 503 and 504 are retried: with `Retry-After: N` it waits exactly N s between
  attempts while they stay within 5 s of the first (N = 1: six attempts; N >= 10: none);
  without it, backoff 1 s x 1.5^n capped at 5 s, at most 5 attempts (0, 1, 2.5, 4.75, 8.13 s);
- no answer within 10 s (OTEL_EXPORTER_OTLP_TIMEOUT) is a failure, not retried;
- any other status is dropped.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field

RETRYABLE = {429, 502, 503, 504}
TIMEOUT = 10.0


@dataclass
class Outcome:
    delivered: bool
    attempts: list[str] = field(default_factory=list)  # "503 ra=1", "refused", "200", ...


def export(port: int, path: str, body: bytes, headers: dict[str, str]) -> Outcome:
    outcome = Outcome(delivered=False)
    first = time.monotonic()
    backoff = 1.0
    attempt = 0
    while True:
        attempt += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(0.1, first + TIMEOUT - time.monotonic()))
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            retry_after = response.getheader("Retry-After")
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, FileNotFoundError) as error:
            outcome.attempts.append(f"refused ({type(error).__name__})")
            return outcome
        except (TimeoutError, OSError) as error:
            outcome.attempts.append(f"no answer ({type(error).__name__})")
            return outcome
        finally:
            connection.close()
        outcome.attempts.append(f"{status}" + (f" ra={retry_after}" if retry_after else ""))
        if status == 200:
            outcome.delivered = True
            return outcome
        if status not in RETRYABLE:
            return outcome
        now = time.monotonic()
        if retry_after is not None and retry_after.strip().isdigit():
            wait = int(retry_after)
            if wait >= 10 or now + wait > first + 5.0 + 0.5:
                return outcome
        else:
            if attempt >= 5:
                return outcome
            wait = min(backoff, 5.0)
            backoff *= 1.5
        if now + wait > first + TIMEOUT:
            return outcome
        time.sleep(wait)
