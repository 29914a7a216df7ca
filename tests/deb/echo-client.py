#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/deb/echo-client.py tcp|udp HOST: one echo exchange with HOST port 7.

Sends random bytes (TCP: 100 000, then shuts down the write side; UDP: one
datagram) and exits 0 if exactly they come back within 10 seconds.
"""
import os
import socket
import sys

proto, host = sys.argv[1], sys.argv[2]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
data = os.urandom(100000 if proto == "tcp" else 512)
if proto == "tcp":
    s = socket.create_connection((host, 7), timeout=10)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
else:
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(data, (host, 7))
    got = s.recv(65536)
s.close()
if got != data:
    print("echo-client: %s %s: %d of %d bytes back" % (proto, host, len(got), len(data)))
    sys.exit(1)
