"""A fake Anthropic Messages API for running the real Claude Code CLI offline.

Claude Code (2.1.332) calls only `POST /v1/messages?beta=true` with `stream: true`. This server
answers each call with the server-sent-event sequence of the real API (`message_start` carrying
the input and cache token counts, content blocks, `message_delta` carrying the output tokens,
`message_stop`), scripted per scenario: a conversation is a list of `Turn`s, each answered in
order, so a turn with a `tool_use` makes Claude Code really run the tool (Write, Edit, Bash) and
call again with the tool's result, which the next turn answers.

Every answer gets distinct token counts and its own `request-id` header (Claude Code copies it
into `api_request` events as `request_id`), and everything handed out is recorded in `handed_out`
so a test can compare it with what Claude Code exported and what the receiver stored.

Loopback only: the server binds 127.0.0.1 and never makes a request itself.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback_server import LoopbackServer


@dataclass(frozen=True)
class Usage:
    """The token counts of one answer, as the Messages API reports them."""
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int


@dataclass(frozen=True)
class ToolCall:
    """A `tool_use` content block: Claude Code runs `name` with `input` once it arrives."""
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    """One scripted answer: optional text, then optional tool calls (stop reason `tool_use`)."""
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class HandedOut:
    """What one answer gave Claude Code: the model it named, its usage and request id."""
    model: str
    usage: Usage
    request_id: str
    scripted: bool  # False for an answer beyond the script (a plain text answer)
    tool_names: tuple[str, ...]


def usage_for(index: int) -> Usage:
    """Distinct token counts for the `index`-th answer (0-based) of a server: every count of
    every answer differs, so a count that was lost, doubled or attributed to the wrong answer
    shows up in the totals."""
    n = index + 1
    return Usage(
        input_tokens=1000 * n + 17,
        output_tokens=100 * n + 3,
        cache_read_input_tokens=10000 * n + 29,
        cache_creation_input_tokens=500 * n + 11,
    )


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class FakeAnthropic(LoopbackServer):
    """A scripted Messages API on 127.0.0.1 with a free port. Use as a context manager.

    `script` is answered turn by turn in arrival order; calls beyond it get a short text answer
    (Claude Code may make calls of its own, e.g. to name a session: they are answered and
    recorded like the rest)."""

    def __init__(self, script: list[Turn] | tuple[Turn, ...] = (), *, first_index: int = 0,
                 answer_delay: float = 0.0):
        self.script = list(script)
        # Seconds to think before each answer: spreads a session over several export intervals.
        self.answer_delay = answer_delay
        self.handed_out: list[HandedOut] = []
        self.requests: list[dict[str, Any]] = []  # the JSON bodies received, in order
        self.unexpected: list[str] = []  # anything but POST /v1/messages: the test must fail on it
        self._lock = threading.Lock()
        self._counter = itertools.count(first_index)
        self._tool_ids = itertools.count(1)
        super().__init__(self._handler())

    @property
    def base_url(self) -> str:
        return self.origin

    # --- answering -------------------------------------------------------------------------

    def _next_answer(self, body: dict[str, Any]) -> tuple[HandedOut, Turn]:
        with self._lock:
            self.requests.append(body)
            index = next(self._counter)
            scripted = bool(self.script)
            turn = self.script.pop(0) if scripted else Turn(text="Done.")
            answer = HandedOut(
                model=str(body.get("model", "")),
                usage=usage_for(index),
                request_id=f"req_e2e_{index + 1:04d}",
                scripted=scripted,
                tool_names=tuple(call.name for call in turn.tool_calls),
            )
            self.handed_out.append(answer)
            return answer, turn

    def _events(self, answer: HandedOut, turn: Turn) -> list[bytes]:
        usage = answer.usage
        events = [_sse("message_start", {
            "type": "message_start",
            "message": {
                "id": f"msg_{answer.request_id}", "type": "message", "role": "assistant",
                "model": answer.model, "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": {
                    "input_tokens": usage.input_tokens,
                    "cache_creation_input_tokens": usage.cache_creation_input_tokens,
                    "cache_read_input_tokens": usage.cache_read_input_tokens,
                    "output_tokens": 0,
                },
            },
        })]
        index = 0
        if turn.text:
            events += [
                _sse("content_block_start", {"type": "content_block_start", "index": index,
                                             "content_block": {"type": "text", "text": ""}}),
                _sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                             "delta": {"type": "text_delta", "text": turn.text}}),
                _sse("content_block_stop", {"type": "content_block_stop", "index": index}),
            ]
            index += 1
        for call in turn.tool_calls:
            arguments = json.dumps(call.input, separators=(",", ":"))
            half = len(arguments) // 2  # in two deltas, as the real API streams it
            events.append(_sse("content_block_start", {
                "type": "content_block_start", "index": index,
                "content_block": {"type": "tool_use", "id": f"toolu_e2e_{next(self._tool_ids):04d}",
                                  "name": call.name, "input": {}}}))
            for part in (arguments[:half], arguments[half:]):
                events.append(_sse("content_block_delta", {
                    "type": "content_block_delta", "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": part}}))
            events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
            index += 1
        events += [
            _sse("message_delta", {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use" if turn.tool_calls else "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": usage.output_tokens}}),
            _sse("message_stop", {"type": "message_stop"}),
        ]
        return events

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet: the test reports what matters
                pass

            def _refuse(self, status: int) -> None:
                fake.unexpected.append(f"{self.command} {self.path}")
                body = b'{"type":"error","error":{"type":"not_found_error","message":"not scripted"}}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._refuse(404)

            def do_HEAD(self) -> None:
                self._refuse(404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.split("?")[0] != "/v1/messages":
                    self._refuse(404)
                    return
                body = json.loads(raw or b"{}")
                if not body.get("stream"):
                    fake.unexpected.append(f"POST {self.path} without stream")
                answer, turn = fake._next_answer(body)
                if fake.answer_delay:
                    time.sleep(fake.answer_delay)
                payload = b"".join(fake._events(answer, turn))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("request-id", answer.request_id)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
