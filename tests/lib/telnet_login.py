#!/usr/bin/env python3
# An expect-like telnet client for the lab's recordings and benchmarks:
# answers the option negotiation (accepts the server's ECHO and
# SUPPRESS-GO-AHEAD, refuses everything else), sends the user name, the
# password and "exit" each as one line when asked, then reads to the end.
# Usage: telnet_login.py HOST PORT USER PASSWORD
import socket, sys, time
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
user, password = sys.argv[3].encode(), sys.argv[4].encode()
text = b""
pending = b""

def pump():
    global text, pending
    data = s.recv(4096)
    if not data:
        return False
    data = pending + data
    pending = b""
    i, reply = 0, b""
    while i < len(data):
        c = data[i]
        if c != IAC:
            text += bytes([c]); i += 1; continue
        if i + 1 >= len(data):
            pending = data[i:]; break
        cmd = data[i + 1]
        if cmd in (DO, DONT, WILL, WONT):
            if i + 2 >= len(data):
                pending = data[i:]; break
            opt = data[i + 2]
            if cmd == DO:
                reply += bytes([IAC, WONT, opt])
            elif cmd == WILL:
                reply += bytes([IAC, DO if opt in (ECHO, SGA) else DONT, opt])
            i += 3
        elif cmd == SB:
            j = data.find(bytes([IAC, SE]), i)
            if j < 0:
                pending = data[i:]; break
            i = j + 2
        else:
            i += 2
    if reply:
        s.sendall(reply)
    return True

def expect(pat):
    global text
    end = time.time() + 10
    while pat not in text:
        if time.time() > end or not pump():
            sys.exit("no %r in %r" % (pat, text))
    text = text[text.index(pat) + len(pat):]

expect(b"login: ")
s.sendall(user + b"\r\n")
expect(b"Password: ")
s.sendall(password + b"\r\n")
expect(b"$ ")
s.sendall(b"exit\r\n")
while pump():
    pass
s.close()
