"""Run the app once in each fresh worker before the first person arrives.

The first script run of a fresh Streamlit process pays for importing every
module (pandas, Altair, SciPy): about a second that the first phone would
otherwise wait. One session per worker, opened here on the default page and
closed when its run finishes, pays it before the join link is printed.
"""

from __future__ import annotations

import asyncio
import urllib.request

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

XSRF_COOKIE = "_streamlit_xsrf"


def _xsrf(port: int) -> str:
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/_stcore/health", timeout=10
    ) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == XSRF_COOKIE:
                return rest.split(";")[0]
    return ""


async def _one_run(port: int, timeout: float) -> None:
    xsrf = _xsrf(port)
    async with asyncio.timeout(timeout):
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
            additional_headers={"Cookie": f"{XSRF_COOKIE}={xsrf}"} if xsrf else None,
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
        ) as ws:
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            await ws.send(msg.SerializeToString())
            while True:
                data = await ws.recv()
                if isinstance(data, bytes):
                    forward = ForwardMsg.FromString(data)
                    if forward.WhichOneof("type") == "script_finished":
                        return


def warm_up(ports: list[int], timeout: float = 60.0) -> list[str]:
    """One run of the default page in each worker; the problems, if any (a
    worker that cannot be warmed up still serves: this only saves time)."""

    async def all_ports() -> list[BaseException | None]:
        return await asyncio.gather(
            *(_one_run(p, timeout) for p in ports), return_exceptions=True
        )

    results = asyncio.run(all_ports())
    return [
        f"port {p}: {type(r).__name__} {r}"
        for p, r in zip(ports, results, strict=True)
        if r is not None
    ]
