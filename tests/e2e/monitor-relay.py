#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Relay QEMU monitor requests from an e2e guest to QEMU's monitor.

    monitor-relay.py CONSOLE[,CONSOLE...] SOCKET LOG PID

Started by tests/e2e/run for a scenario with MONITOR=1. It follows the guest's
console logs (ttyS0.log and the other serial ports' logs, written by QEMU, so
that a secondary node can ask too) while the process PID (QEMU, or the
timeout(1) that runs it) lives, and for every line

    E2E MONITOR: <hmp command>

(printed by guest-lib.sh's `monitor`) sends the command to the human monitor
(HMP) listening on the Unix socket SOCKET, waits for its prompt, and writes the
command and QEMU's answer to LOG. It stops when PID is gone or QEMU closes the
monitor. Commands seen after that are logged as not sent.
"""

import os
import re
import socket
import sys
import time

MARKER = "E2E MONITOR: "
PROMPT = b"(qemu) "
POLL_S = 0.1
CONNECT_S = 30  # QEMU creates the socket at start-up; give a slow host time
ANSWER_S = 60  # a command such as "savevm" may take long under TCG
# The monitor's line editor echoes the command with cursor movements.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Relay:
    def __init__(self, consoles, sock_path, log_path, pid):
        self.consoles = consoles
        self.sock_path = sock_path
        self.pid = pid
        self.log = open(log_path, "a", buffering=1, encoding="utf-8")
        self.start = time.monotonic()
        self.sock = None

    def note(self, text):
        stamp = "[%7.2f] " % (time.monotonic() - self.start)
        for line in text.splitlines() or [""]:
            self.log.write(stamp + line + "\n")

    def qemu_alive(self):
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def read_until_prompt(self, timeout):
        """Bytes from the monitor up to and including its prompt; None on EOF or timeout."""
        data = b""
        deadline = time.monotonic() + timeout
        while not data.endswith(PROMPT):
            left = deadline - time.monotonic()
            if left <= 0:
                self.note("no monitor prompt within %d s; got %r" % (timeout, data[-200:]))
                return None
            self.sock.settimeout(min(left, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                if not self.qemu_alive():
                    return None
                continue
            if not chunk:
                return None
            data += chunk
        return data

    def connect(self):
        deadline = time.monotonic() + CONNECT_S
        while self.qemu_alive() and time.monotonic() < deadline:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock_path)
            except OSError:
                s.close()
                time.sleep(POLL_S)
                continue
            self.sock = s
            banner = self.read_until_prompt(10)
            if banner is None:
                self.note("monitor %s: connected, but no prompt" % self.sock_path)
                self.close()
                return False
            self.note("connected to %s: %s" % (self.sock_path, clean(banner, "")))
            return True
        self.note("cannot connect to the monitor at %s" % self.sock_path)
        return False

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def send(self, cmd):
        if not self.sock and not self.connect():
            self.note("> %s\n< not sent: no monitor" % cmd)
            return
        self.note("> " + cmd)
        try:
            self.sock.sendall(cmd.encode() + b"\n")
        except OSError as e:
            self.note("< not sent: %s" % e)
            self.close()
            return
        answer = self.read_until_prompt(ANSWER_S)
        if answer is None:
            self.note("< no answer (QEMU exited or the monitor closed)")
            self.close()
            return
        text = clean(answer, cmd)
        self.note("< " + (text if text else "(no output)"))

    def relay_lines(self, lines, alive):
        for raw in lines:
            line = raw.decode("utf-8", "replace").replace("\r", "")
            if MARKER not in line:
                continue
            cmd = line.split(MARKER, 1)[1].strip()
            if not cmd:
                continue
            if alive:
                self.send(cmd)
            else:
                self.note("> %s\n< not sent: QEMU exited" % cmd)

    def run(self):
        # path -> [open file or None (not created yet), bytes after the last newline]
        consoles = {path: [None, b""] for path in self.consoles}
        while True:
            alive = self.qemu_alive()
            got = False
            for path, con in consoles.items():
                if con[0] is None:
                    try:
                        con[0] = open(path, "rb")
                    except FileNotFoundError:
                        continue
                chunk = con[0].read()
                if not chunk:
                    continue
                got = True
                con[1] += chunk
                *lines, con[1] = con[1].split(b"\n")
                self.relay_lines(lines, alive)
            if got:
                continue
            if not alive:
                break
            time.sleep(POLL_S)
        for con in consoles.values():
            if con[0]:
                con[0].close()
        self.close()
        self.note("QEMU exited; relay stops")


def clean(data, cmd):
    """The monitor's text without escape sequences, the echoed command and the prompt."""
    text = ANSI.sub("", data.decode("utf-8", "replace")).replace("\r", "")
    if text.endswith(PROMPT.decode()):
        text = text[: -len(PROMPT)]
    lines = text.split("\n")
    # The echo ends up as the command typed out (possibly after the line editor redrew it).
    while lines and cmd and lines[0].strip().endswith(cmd):
        lines.pop(0)
    return "\n".join(lines).strip("\n")


def main(argv):
    if argv[1:] in (["-h"], ["--help"]):
        sys.stdout.write(__doc__)
        return 0
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    try:
        pid = int(argv[4])
    except ValueError:
        sys.stderr.write("monitor-relay: PID %r is not a number\n" % argv[4])
        return 2
    Relay(argv[1].split(","), argv[2], argv[3], pid).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
