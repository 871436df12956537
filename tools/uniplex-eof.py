#!/usr/bin/env python3
"""tools/uniplex-eof.py QMP-SOCKET PORT: end of file for a port's host side
when the guest closes the port (issue 19's stdio channel).

A guest that closes its last descriptor of a virtio-console port tells the
device (VIRTIO_CONSOLE_PORT_OPEN 0), and QEMU reports it on QMP as the
event VSERPORT_CHANGE (id vp-PORT, open false), but keeps the port's
socket chardev connected: the host's reader would see end of file only
when the whole machine exits. So on that event this swaps the port's
chardev (vc-PORT) for a null one (QMP chardev-change), which closes the
socket: the connector reads what is left in it, then end of file. The
guest sends the close only once the device has taken every byte it wrote
(drivers/vport.c), so nothing is in QEMU's hands any more.

QEMU starts the machine stopped (tools/qemu.sh --paused) and this lets it
run (QMP cont) once it listens for events: QMP sends none before the
client's qmp_capabilities, so a guest that closed its stdout before then
would be missed.

Runs until QEMU closes the QMP socket. Waits at most UNIPLEX_STDIO_WAIT
seconds (60) for the socket to appear. Exit status 0, or 1 when it could
not connect or QEMU refused the swap (then said on stderr).
"""
import json
import os
import socket
import sys
import time


def connect(path, wait_s):
    deadline = time.monotonic() + wait_s
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    path, port = sys.argv[1], sys.argv[2]
    s = connect(path, float(os.environ.get("UNIPLEX_STDIO_WAIT", "60")))
    if s is None:
        print(f"uniplex: no QMP socket at {path}", file=sys.stderr)
        return 1
    f = s.makefile("rw", buffering=1)

    def send(cmd, **args):
        f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")

    f.readline()  # the greeting
    send("qmp_capabilities")
    send("cont")
    swapped = False
    while line := f.readline():
        msg = json.loads(line)
        if "error" in msg:
            print(f"uniplex: QMP: {msg['error'].get('desc')}", file=sys.stderr)
            return 1
        data = msg.get("data", {})
        if (not swapped and msg.get("event") == "VSERPORT_CHANGE"
                and data.get("id") == "vp-" + port and not data.get("open")):
            send("chardev-change", id="vc-" + port, backend={"type": "null", "data": {}})
            swapped = True
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError:  # QEMU went away mid-message: the machine has ended
        sys.exit(0)
