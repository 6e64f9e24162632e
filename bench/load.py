"""Load from wrk, the C load generator: a Python client would steal the CPU
of a two-core machine from the servers it measures.

Every run is bounded by its duration and stays on loopback. A generated Lua
script gives each request its body; bodies split around an event id get a
fresh random UUID per request, so no POST is a duplicate of another.
"""

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MARKER = "WRKJSON "

_REPORT = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "socket_errors": %d, '
    .. '"status_errors": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    MARKER, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

_UUID = r"""
local r = math.random
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(tonumber(args[1]) + tid * 7919)
end
local function uuid()
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(0, 65535), r(0, 65535), r(0, 65535), r(0, 4095),
    r(32768, 49151), r(0, 65535), r(0, 65535), r(0, 65535))
end
"""


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def write_script(
    path: Path,
    *,
    method: str = "GET",
    bodies: list[tuple[str, str]] | None = None,
) -> Path:
    """A wrk script sending `bodies` in turn, or plain GETs without them.

    Each body is (before, after) a fresh event id; a body given as
    (text, "") is sent as it is.
    """
    lines = [f'MARKER = "{MARKER}"', _REPORT, _UUID]
    lines.append(f'wrk.method = "{method}"')
    lines.append('wrk.headers["Content-Type"] = "application/json"')
    if bodies:
        pairs = ", ".join(
            f"{{{_lua_string(before)}, {_lua_string(after)}}}"
            for before, after in bodies
        )
        lines.append(f"local bodies = {{{pairs}}}")
        lines.append("local count, next_body = #bodies, 0")
        lines.append(
            """
function request()
  next_body = next_body % count + 1
  local body = bodies[next_body]
  local text = body[2] == "" and body[1] or (body[1] .. uuid() .. body[2])
  return wrk.format(nil, nil, nil, text)
end
"""
        )
    path.write_text("\n".join(lines))
    return path


def run_wrk(
    url: str, script: Path, *, connections: int, seconds: float, threads: int = 1
) -> WrkResult:
    """One bounded wrk run; its figures as wrk's Lua `done` reported them."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        "--",
        str(random.randrange(1, 2**30)),
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    for line in finished.stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line.removeprefix(MARKER))
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                errors=data["socket_errors"] + data["status_errors"],
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
            )
    raise RuntimeError(f"wrk printed no report:\n{finished.stdout}{finished.stderr}")
