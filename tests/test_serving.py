"""The served stack's pure parts: the join address phones get, Caddy's
configuration, and the precompressed static copy."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

from serving import address, static
from serving.caddy import AFFINITY_COOKIE, HEALTH_PATH, Site, caddyfile


def test_public_url_wins_and_loses_its_trailing_slash() -> None:
    env = {"PULSE_PUBLIC_URL": "https://pulse.example.org/", "PULSE_SERVED_PORT": "9"}
    base = address.join_base(8501, env, lan="10.0.0.5")
    assert base == address.JoinBase("https://pulse.example.org", True)
    assert address.join_url(base, "K7PX2M") == "https://pulse.example.org/?code=K7PX2M"


def test_lan_address_with_the_served_port_not_the_workers() -> None:
    base = address.join_base(40123, {"PULSE_SERVED_PORT": "8501"}, lan="192.168.1.20")
    assert base == address.JoinBase("http://192.168.1.20:8501", True)


def test_port_80_is_left_out_of_the_link() -> None:
    assert address.join_base(80, {}, lan="192.168.1.20").url == "http://192.168.1.20"


def test_only_loopback_known_is_flagged_unreachable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(address, "lan_address", lambda: None)
    base = address.join_base(8501, {})
    assert base == address.JoinBase("http://127.0.0.1:8501", False)


@pytest.mark.parametrize("url", ["http://localhost:8501", "http://127.0.0.1"])
def test_a_loopback_public_url_is_flagged_too(url: str) -> None:
    assert not address.join_base(8501, {"PULSE_PUBLIC_URL": url}).reachable


def test_detected_lan_address_is_never_loopback() -> None:
    found = address.lan_address()
    assert found is None or not address.is_loopback(found)


def _site(**kw: object) -> str:
    return caddyfile(Site(Path("/cache/static"), (9001, 9002), **kw))  # type: ignore[arg-type]


def test_caddy_uses_cookie_affinity_never_the_client_address() -> None:
    config = _site()
    assert f"lb_policy cookie {AFFINITY_COOKIE}" in config
    assert "ip_hash" not in config and "client_ip" not in config
    assert "127.0.0.1:9001 127.0.0.1:9002" in config


def test_caddy_health_checks_workers_and_serves_static_precompressed() -> None:
    config = _site()
    assert f"health_uri {HEALTH_PATH}" in config
    assert "precompressed br gzip" in config
    assert "immutable" in config
    assert "root * /cache/static" in config


def test_plain_http_on_the_port_without_a_domain_https_with_one() -> None:
    assert "http://:8501" in _site() and "auto_https off" in _site()
    with_domain = _site(domain="pulse.example.org")
    assert with_domain.split("\n\n")[1].startswith("pulse.example.org {")
    assert "auto_https off" not in with_domain


def test_precompressed_copy_has_br_and_gz_siblings(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "static" / "js").mkdir(parents=True)
    bundle = b"function hello(){return 'hello';}\n" * 500
    (source / "static" / "js" / "main.abc.js").write_bytes(bundle)
    (source / "static" / "font.woff2").write_bytes(bytes(range(256)) * 4)
    root = static.precompressed_static(tmp_path / "cache", source, workers=1)
    js = root / "static" / "js" / "main.abc.js"
    assert brotli.decompress((js.parent / (js.name + ".br")).read_bytes()) == bundle
    assert gzip.decompress((js.parent / (js.name + ".gz")).read_bytes()) == bundle
    assert not (root / "static" / "font.woff2.br").exists()  # already compressed
    assert static.streamlit_version() in root.name
    # Built once: a second call reuses the finished copy.
    js.write_bytes(b"changed")
    assert static.precompressed_static(tmp_path / "cache", source) == root
    assert js.read_bytes() == b"changed"


def test_the_served_copy_does_not_preload_the_icon_font(tmp_path: Path) -> None:
    """Streamlit's start-up asks for its 375 KB icon font whether or not a page
    shows an icon; in the served copy that request is gone, and only it."""
    eager = (
        'var a=1;function OA(){document.fonts.load(`1em "${Ve.materialIcons}"`)'
        ".catch(e=>{DA.warn(`Failed`,e)})}OA();"
    )
    source = tmp_path / "static"
    (source / "static" / "js").mkdir(parents=True)
    (source / "static" / "js" / "index.abc.js").write_text(eager)
    (source / "static" / "js" / "other.abc.js").write_text("const materialIcons=1;")
    root = static.precompressed_static(tmp_path / "cache", source, workers=1)
    served = (root / "static" / "js" / "index.abc.js").read_text()
    assert served == eager.replace(
        'document.fonts.load(`1em "${Ve.materialIcons}"`)', "Promise.resolve()"
    )
    assert (root / "static" / "js" / "other.abc.js").read_text() == (
        "const materialIcons=1;"
    )


def test_the_installed_streamlit_still_has_the_eager_icon_font_load() -> None:
    """If an upgrade changes Streamlit's preload code, the served copy would
    silently fetch the icon font again on every phone: say so here."""
    bundles = (static.streamlit_static_dir() / "static" / "js").glob("index.*.js")
    found = sum(
        static.without_icon_font_preload(path.read_text(encoding="utf-8"))[1]
        for path in bundles
    )
    assert found == 1
