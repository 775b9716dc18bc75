#!/usr/bin/env python3
"""fake-cupsd.py SOCKET MODE: a print server that misbehaves, on a Unix socket.
   silent   accepts, reads the request, never answers (a hung cupsd)
   die      reads the request, sends half an HTTP answer, closes (a cupsd dying mid-answer)
   garbage  answers 200 with an IPP body of random bytes (always the same ones: fresh random
            bytes now and then make a valid answer, an end-of-attributes tag first)"""
import random
import socket
import sys
import threading

path, mode = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(16)
held = []


def serve(c):
    c.settimeout(5)
    try:
        data = c.recv(65536)
    except OSError:
        return
    if mode == "silent":
        held.append(c)  # kept open, never answered
        return
    if mode == "die":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: 5000\r\n\r\n\x02\x00")
    elif mode == "garbage":
        body = b"\x02\x00\x00\x00\x00\x00\x00\x01\x04" + random.Random(20261202).randbytes(3000)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    c.close()


while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
