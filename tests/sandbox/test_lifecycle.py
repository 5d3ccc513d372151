"""Starting, stopping and restarting the sandbox."""

from __future__ import annotations

import os
import socket
import threading

import httpx
import pytest

from jama_magic.sandbox import Sandbox


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_context_manager_serves_and_releases_port() -> None:
    """Inside `with` the port answers; after exit nothing listens there."""
    with Sandbox() as sb:
        port = sb.port
        assert port > 0
        assert (
            httpx.get(f"{sb.url}/rest/latest/projects", auth=(sb.username, sb.password)).status_code
            == 200
        )
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/rest/latest/projects", timeout=2)


def test_restart_many_times_leaks_no_threads_or_fds() -> None:
    """Twenty start/stop cycles leave thread and file-descriptor counts unchanged."""
    sb = Sandbox(items=40)
    sb.start().stop()
    threads, fds = threading.active_count(), _open_fds()
    for _ in range(20):
        sb.start()
        with httpx.Client(auth=(sb.username, sb.password)) as c:
            assert c.get(f"{sb.url}/rest/v1/users/current").status_code == 200
        sb.stop()
    assert threading.active_count() == threads
    assert _open_fds() <= fds


def test_stop_is_idempotent_and_start_returns_self() -> None:
    """stop() twice and stop() before start() are harmless; start() returns the sandbox."""
    sb = Sandbox(items=40)
    sb.stop()
    assert sb.start() is sb
    assert sb.start() is sb
    sb.stop()
    sb.stop()
    assert not sb.running


def test_fixed_port_is_used_and_busy_port_is_a_clear_error() -> None:
    """A given port is honoured; a taken port gives a one-line OSError naming it."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with Sandbox(port=port, items=40) as sb:
        assert sb.url == f"http://127.0.0.1:{port}"
        with pytest.raises(OSError, match=str(port)):
            Sandbox(port=port, items=40).start()


def test_credentials_are_random_per_instance_unless_given() -> None:
    """Two sandboxes get different passwords and client secrets; given ones are kept."""
    one, two = Sandbox(items=40), Sandbox(items=40)
    assert one.password != two.password
    assert one.client_secret != two.client_secret
    fixed = Sandbox(items=40, password="pw", client_secret="cs", username="me")
    assert (fixed.username, fixed.password, fixed.client_secret) == ("me", "pw", "cs")


def test_repr_shows_no_secret() -> None:
    """The repr names URL and user but never the password."""
    sb = Sandbox(items=40, password="hunter2-secret")
    assert "hunter2-secret" not in repr(sb)
    assert "sandbox" in repr(sb)


def test_invalid_constructor_arguments_raise_value_error() -> None:
    """Bad delete_status, latency, fault kinds or item counts are refused up front."""
    for kwargs in (
        {"delete_status": 201},
        {"latency": -1},
        {"fault_kinds": ("boom",)},
        {"items": 5},
        {"fault_rate": 2.0},
        {"rate_limit": 0},
    ):
        with pytest.raises(ValueError):
            Sandbox(**kwargs)  # type: ignore[arg-type]


def test_https_with_certificate_files(tmp_path: object) -> None:
    """With ssl_certfile/ssl_keyfile the sandbox serves https."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    folder = Path(str(tmp_path))
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    with Sandbox(items=40, ssl_certfile=str(cert), ssl_keyfile=str(key)) as sb:
        assert sb.url.startswith("https://")
        response = httpx.get(
            f"{sb.url}/rest/latest/projects", verify=False, auth=(sb.username, sb.password)
        )
        assert response.status_code == 200
