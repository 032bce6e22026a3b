"""A real ClamAV daemon for the tests, on a signature database of its own.

These machines cannot download ClamAV's signatures, so the daemon loads one
body signature: the EICAR test string, wherever it appears in a file. That is
enough to prove the whole path (stream, verdict, quarantine, refusal).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "Comcep.Test.EICAR"
# clamd names what an unofficial database finds with this suffix.
SIGNATURE = f"{SIGNATURE_NAME}.UNOFFICIAL"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


@dataclass
class Clamd:
    process: subprocess.Popen
    socket: Path
    port: int
    log: Path

    @property
    def unix_address(self) -> str:
        return f"unix://{self.socket}"

    @property
    def tcp_address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Stop the daemon as a crash would (SIGKILL), leaving its socket file behind."""
        self.process.kill()
        self.process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_clamd(folder: Path) -> Clamd:
    database = folder / "db"
    database.mkdir(parents=True)
    (database / "comcep-test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{EICAR.hex()}\n")
    sock, log, port = folder / "clamd.sock", folder / "clamd.log", _free_port()
    config = folder / "clamd.conf"
    config.write_text("\n".join([
        "Foreground yes",
        f"LocalSocket {sock}",
        f"TCPSocket {port}",
        "TCPAddr 127.0.0.1",
        f"DatabaseDirectory {database}",
        f"TemporaryDirectory {folder}",
        f"LogFile {log}",
        "Bytecode no",
        "SelfCheck 0",
        "StreamMaxLength 100M",
        "",
    ]))
    process = subprocess.Popen([CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    daemon = Clamd(process, sock, port, log)
    from tests.conftest import wait_until

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"clamd exited: {log.read_text() if log.exists() else ''}")
        return _pings(sock)

    wait_until(answers, timeout=60, interval=0.1, message="clamd did not answer PING")
    return daemon


def _pings(sock: Path) -> bool:
    import socket

    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(2)
            probe.connect(str(sock))
            probe.sendall(b"zPING\0")
            return probe.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture
def clamd():
    """A real clamd on a temporary unix socket (and a loopback TCP port); stopped after."""
    # A short path: a unix socket's path is limited to about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="clamd-"))
    daemon = start_clamd(folder)
    yield daemon
    if daemon.process.poll() is None:
        daemon.process.terminate()
        try:
            daemon.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.process.kill()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def scanner(clamd, settings, tmp_path):
    """The site scanning with the test daemon; its quarantine folder in the test's own space."""
    settings.CLAMAV_ADDRESS = clamd.unix_address
    settings.CLAMAV_QUARANTINE_DIR = tmp_path / "quarantine"
    return clamd
