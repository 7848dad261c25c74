#!/usr/bin/env python3
"""rawws.py: a hostile workspace over raw sockets, for transport tests.

The emulator (libmicrohttpd) always speaks correct HTTP; this server does
not, on purpose. It answers the few requests a `patrol list` or `patrol
revoke` sends (token list, SCIM Me, revoke) and breaks HTTP in one chosen
way:

  --trail K         the K-th answer (1-based, over every connection) is
                    followed, in the same send, by a second, unrequested
                    answer "200 {}": bytes after the end of a response
  --length N        list answers declare Content-Length N but carry their
                    real body, then the connection is closed
  --list-status S   list answers have status S (with --message)
  --message TEXT    the error message of those answers, and the start of
                    refused revokes' ("\\n" is a newline)
  --delete-status S revoke answers have status S (default 200)
  --tokens N        the list holds N tokens (default 1), with comments long
                    enough that a list is read in more than one piece
  --list-body FILE  list answers carry FILE as it is (any JSON, or not)
  --echo-auth       error answers end their message with the Authorization
                    header the request carried, and every answer repeats it
                    in a header, as a careless server might

Every request is logged as "CONN REQ METHOD PATH" (connection and request
numbers, 1-based) to --log. The port goes to --port-file. Test code only.
"""
import argparse
import json
import socket
import sys
import threading

SMUGGLED = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\n\r\n{}")


def token_ids(n):
    return ["%064x" % (0xA11CE0000 + i) for i in range(n)]


class Server:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.answers = 0
        self.conns = 0
        self.log = open(args.log, "a", buffering=1)

    def note(self, conn, req, method, path):
        with self.lock:
            self.log.write("%d %d %s %s\n" % (conn, req, method, path))

    def next_answer(self):
        with self.lock:
            self.answers += 1
            return self.answers

    def body_for(self, method, path, auth=""):
        a = self.args
        echo = (" from " + auth) if a.echo_auth else ""
        if method == "GET" and ("/token/list" in path or
                                path.startswith("/api/2.0/token-management/tokens")):
            if a.list_status != 200:
                msg = a.message.replace("\\n", "\n") + echo
                return a.list_status, json.dumps({"error_code": "INVALID_STATE", "message": msg})
            if a.list_body:
                with open(a.list_body) as f:
                    return 200, f.read()
            infos = [{"token_id": t, "creation_time": 1700000000000, "expiry_time": -1,
                      "comment": "rawws token %d %s" % (i, "x" * 120)}
                     for i, t in enumerate(token_ids(a.tokens))]
            return 200, json.dumps({"token_infos": infos})
        if path.startswith("/api/2.0/preview/scim/v2/Me"):
            return 200, json.dumps({"id": "1", "userName": "admin@example.com"})
        if "/token/delete" in path or method in ("DELETE", "PATCH"):
            if a.delete_status == 200:
                return 200, "{}"
            return a.delete_status, json.dumps({"error_code": "PERMISSION_DENIED",
                                                "message": a.message.replace("\\n", "\n") +
                                                "rawws refuses revokes" + echo})
        return 404, json.dumps({"error_code": "NOT_FOUND", "message": "no such path"})

    def answer(self, sock, method, path, auth=""):
        status, body = self.body_for(method, path, auth)
        body = body.encode()
        k = self.next_answer()
        declared = len(body)
        lying = self.args.length is not None and status == 200 and "list" in path
        if lying:
            declared = self.args.length
        echo = ("X-Seen-Authorization: %s\r\n" % auth) if self.args.echo_auth else ""
        head = ("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%s"
                "Content-Length: %d\r\n\r\n" % (status, echo, declared)).encode()
        data = head + body
        if self.args.trail == k:
            data += SMUGGLED
        sock.sendall(data)
        return not lying

    def serve(self, sock):
        with self.lock:
            self.conns += 1
            conn = self.conns
        f = sock.makefile("rb")
        req = 0
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                length = 0
                auth = ""
                while True:
                    h = f.readline()
                    if h.lower().startswith(b"content-length:"):
                        length = int(h.split(b":", 1)[1])
                    if h.lower().startswith(b"authorization:"):
                        auth = h.split(b":", 1)[1].strip().decode("latin-1")
                    if h in (b"\r\n", b"\n", b""):
                        break
                if length:
                    f.read(length)
                req += 1
                method, path = line.decode("latin-1").split()[:2]
                self.note(conn, req, method, path)
                if not self.answer(sock, method, path, auth):
                    break
        except OSError:
            pass
        finally:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--trail", type=int, default=0)
    p.add_argument("--length", type=int)
    p.add_argument("--list-status", type=int, default=200)
    p.add_argument("--message", default="")
    p.add_argument("--delete-status", type=int, default=200)
    p.add_argument("--tokens", type=int, default=1)
    p.add_argument("--list-body")
    p.add_argument("--echo-auth", action="store_true")
    args = p.parse_args()
    srv = Server(args)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(args.port_file + ".tmp", "w") as pf:
        pf.write("http://127.0.0.1:%d\n" % ls.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    while True:
        s, _ = ls.accept()
        threading.Thread(target=srv.serve, args=(s,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
