"""``python -m jama_magic.sandbox`` in the foreground."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx


def test_cli_prints_credentials_serves_and_stops_on_ctrl_c() -> None:
    """The CLI prints URL and credentials that work, and exits 0 on SIGINT."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jama_magic.sandbox",
            "--port",
            "0",
            "--items",
            "40",
            "--latency",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline() for _ in range(5)]
        url = lines[0].split(" at ", 1)[1].strip()
        user = lines[1].split(":", 1)[1].strip()
        password = lines[2].split(":", 1)[1].strip()
        response = httpx.get(f"{url}users/current", auth=(user, password))
        assert response.json()["data"]["username"] == user
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert "Sandbox stopped." in out
    assert "Traceback" not in err


def test_cli_busy_port_is_one_line_error() -> None:
    """A port that is taken gives exit code 2 and a one-line message."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "jama_magic.sandbox", "--port", str(port), "--items", "40"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert str(port) in result.stderr
    assert "Traceback" not in result.stderr
