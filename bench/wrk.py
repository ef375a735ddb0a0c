"""Server throughput measured with wrk (a C load generator), when it is installed.

A Python client on this 2-core machine saturates before the server does (httpx tops out near
850 requests/s on an empty endpoint); wrk costs the box far less, so its figure is the server's.
`apt-get install wrk` to enable; without it these rows are skipped and say so.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

_LUA_POST = """
local counter = 0
local tid = 0
function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
end
function init(args)
  run = args[1] or "r"
end
request = function()
  counter = counter + 1
  local body = string.format(BODY_TEMPLATE, run .. "-" .. tid .. "-" .. counter, counter % SPREAD)
  return wrk.format("POST", nil, HEADERS, body)
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    value = float(re.match(r"[\d.]+", text).group())  # type: ignore[union-attr]
    if text.endswith("us"):
        return value / 1000
    if text.endswith("ms"):
        return value
    if text.endswith("s"):
        return value * 1000
    return value


async def run_wrk(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    body_template: str | None = None,
    run_id: str = "r",
    spread: int = 1,
) -> dict[str, Any]:
    """Runs wrk; returns {"p50_ms", "p99_ms", "rps", "non2xx"}.

    body_template is a Lua format string given (a unique string, counter % spread).
    """
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    script = None
    if body_template is not None:
        lua_headers = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in (headers or {}).items()) + "}"
        lua = f"BODY_TEMPLATE = [[{body_template}]]\nHEADERS = {lua_headers}\nSPREAD = {spread}\n" + _LUA_POST
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(lua)
        args += ["-s", str(script)]
    else:
        for k, v in (headers or {}).items():
            args += ["-H", f"{k}: {v}"]
    args += [url]
    if script is not None:
        args += ["--", run_id]
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out = (await proc.communicate())[0].decode()
    if script is not None:
        script.unlink()
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if not (p50 and p99 and rps):
        raise RuntimeError(f"could not parse wrk output:\n{out}")
    return {
        "p50_ms": _ms(p50.group(1)),
        "p99_ms": _ms(p99.group(1)),
        "rps": float(rps.group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }
