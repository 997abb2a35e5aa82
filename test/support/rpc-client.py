#!/usr/bin/env python3
"""Independent client RPC test client: Python's ssl + json + socket, no bunmark code.

Reads a JSON script on stdin: {"host": H, "port": P, "steps": [[op, ...args], ...]} and prints one JSON array of
records (one per step that observes something) on stdout. Connections are numbered by the script.

ops:
  ["connect", i]                  TLS connect (no verification); record {"connect": i, "ok", "error", "fingerprint"}
  ["tcp", i]                      plain TCP connect, no TLS handshake
  ["send", i, text]               send text (UTF-8)
  ["recv", i, n, timeout]         read n reply lines; record {"lines": [...], "error"}
  ["eof", i, timeout]             wait for the server to close; record {"eof": bool, "after": s, "data": text}
  ["flood", i, text, seconds]     send text repeatedly without reading until sending blocks for `seconds`;
                                  record {"sent": bytes, "blocked": bool}
  ["close", i]
  ["sleep", s]
"""
import hashlib
import json
import socket
import ssl
import sys
import time


def main():
    script = json.load(sys.stdin)
    host, port = script["host"], script["port"]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conns, buffers, out = {}, {}, []

    def readline(i, deadline):
        s = conns[i]
        while b"\n" not in buffers[i]:
            s.settimeout(max(0.01, deadline - time.time()))
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError("closed")
            buffers[i] += chunk
        line, _, rest = buffers[i].partition(b"\n")
        buffers[i] = rest
        return line.decode()

    for step in script["steps"]:
        op = step[0]
        if op in ("connect", "tcp"):
            i = step[1]
            rec = {"connect": i, "ok": False}
            try:
                raw = socket.create_connection((host, port), timeout=5)
                if op == "connect":
                    s = ctx.wrap_socket(raw)
                    rec["fingerprint"] = hashlib.sha3_256(s.getpeercert(binary_form=True)).hexdigest()
                    rec["version"] = s.version()
                else:
                    s = raw
                conns[i], buffers[i] = s, b""
                rec["ok"] = True
            except Exception as e:  # refused by a limit: reset or EOF during the handshake
                rec["error"] = type(e).__name__
            out.append(rec)
        elif op == "send":
            conns[step[1]].sendall(step[2].encode())
        elif op == "recv":
            i, n, timeout = step[1], step[2], step[3]
            deadline = time.time() + timeout
            rec = {"lines": []}
            try:
                for _ in range(n):
                    rec["lines"].append(readline(i, deadline))
            except Exception as e:
                rec["error"] = type(e).__name__
            out.append(rec)
        elif op == "eof":
            i, timeout = step[1], step[2]
            start = time.time()
            s = conns[i]
            rec = {"eof": False, "data": buffers[i].decode(errors="replace")}
            buffers[i] = b""
            try:
                while time.time() - start < timeout:
                    s.settimeout(max(0.01, timeout - (time.time() - start)))
                    chunk = s.recv(65536)
                    if not chunk:
                        rec["eof"] = True
                        break
                    rec["data"] += chunk.decode(errors="replace")
            except socket.timeout:
                pass
            except (ConnectionError, ssl.SSLError, OSError):
                rec["eof"] = True
            rec["after"] = round(time.time() - start, 3)
            out.append(rec)
        elif op == "flood":
            i, text, seconds = step[1], step[2].encode(), step[3]
            s = conns[i]
            s.settimeout(seconds)
            sent, blocked = 0, False
            try:
                while sent < 512 * 1024 * 1024:
                    s.sendall(text)
                    sent += len(text)
            except (socket.timeout, ssl.SSLWantWriteError):
                blocked = True
            except (ConnectionError, ssl.SSLError, OSError) as e:
                out.append({"sent": sent, "blocked": False, "error": type(e).__name__})
                continue
            out.append({"sent": sent, "blocked": blocked})
        elif op == "close":
            conns.pop(step[1]).close()
        elif op == "sleep":
            time.sleep(step[1])
    json.dump(out, sys.stdout)


main()
