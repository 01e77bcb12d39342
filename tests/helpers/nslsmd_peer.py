#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Attempts to borrow another process's rights on nslsmd's socket.

Run on the host, as root, not enrolled:

  nslsmd_peer.py fork-exit NS [--reuse] REQUEST...
      A task enrolled in NS connects, forks and exits; its child sends the
      requests once the connecting process is gone (reaped). With --reuse,
      a host process first takes the connecting process's pid.
  nslsmd_peer.py pass NS [--reuse] [--back NS2] REQUEST...
      A task enrolled in NS connects and hands the socket to this host
      process by SCM_RIGHTS, then exits. A host process (with --reuse: one
      holding the connecting process's pid) sends the requests; with
      --back, the socket then goes to a task enrolled in NS2, which sends
      them again.

Every reply line is printed as "SENDER: REQUEST -> REPLY". The pid of the
connecting process is printed as "connector PID".
"""
import os
import socket
import subprocess
import sys

NSLSM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/nslsm")
SOCKET = os.environ.get("NSLSMD_SOCKET") or "/run/nslsm/nslsmd.sock"
SELF = os.path.abspath(__file__)


def ask(sender, sock, requests):
    """Send each request and print the first line of its reply."""
    f = sock.makefile("r")
    for req in requests:
        sock.sendall((req + "\n").encode())
        print(f"{sender}: {req} -> {f.readline().strip()}", flush=True)


def enrolled(ns, *args, **kw):
    return subprocess.Popen([NSLSM, "run", "--ns", ns, "--", sys.executable, SELF, *args], **kw)


def as_host_process(pid_wanted, fn):
    """Run fn in a new host process: one holding pid_wanted if given
    (the kernel hands out ns_last_pid + 1 next)."""
    if pid_wanted:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid_wanted - 1))
    child = os.fork()
    if child == 0:
        if pid_wanted and os.getpid() != pid_wanted:
            print(f"pid {pid_wanted} was not reused (the host process got {os.getpid()})",
                  flush=True)
            os._exit(1)
        if pid_wanted:
            print(f"pid {pid_wanted} reused by a host process", flush=True)
        fn()
        sys.stdout.flush()
        os._exit(0)
    _, status = os.waitpid(child, 0)
    if status:
        sys.exit(1)


def connector_gone(e):
    """The connecting process's pid, once it has exited and been reaped."""
    pid = int(e.stdout.readline().split()[1])
    e.wait()
    print(f"connector {pid}", flush=True)
    if os.path.exists(f"/proc/{pid}"):
        sys.exit(f"the connecting process {pid} is still there")
    return pid


def fork_exit(ns, reuse, requests):
    go_r, go_w = os.pipe()
    e = enrolled(ns, "in-fork-exit", str(go_r), *requests, stdout=subprocess.PIPE,
                 pass_fds=[go_r], text=True)
    os.close(go_r)
    pid = connector_gone(e)

    def release_child():
        os.write(go_w, b"g")
        sys.stdout.write(e.stdout.read())

    # The child asks while a host process holds the connector's pid.
    as_host_process(pid if reuse else 0, release_child)


def in_fork_exit(go, requests):
    """Enrolled: connect, fork, exit; the child asks once told to."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(SOCKET)
    print(f"connector {os.getpid()}", flush=True)
    if os.fork():
        os._exit(0)
    os.read(int(go), 1)
    ask("child", s, requests)


def pass_socket(ns, reuse, back, requests):
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    e = enrolled(ns, "in-pass", str(theirs.fileno()), stdout=subprocess.PIPE,
                 pass_fds=[theirs.fileno()], text=True)
    theirs.close()
    _, fds, _, _ = socket.recv_fds(mine, 16, 1)
    pid = connector_gone(e)
    conn = socket.socket(fileno=fds[0])
    as_host_process(pid if reuse else 0, lambda: ask("host", conn, requests))
    if back:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        e = enrolled(back, "in-receive", str(theirs.fileno()), *requests,
                     pass_fds=[theirs.fileno()], text=True)
        theirs.close()
        socket.send_fds(mine, [b"s"], [conn.fileno()])
        e.wait()


def in_pass(fd):
    """Enrolled: connect and hand the socket over, then exit."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(SOCKET)
    print(f"connector {os.getpid()}", flush=True)
    socket.send_fds(socket.socket(fileno=int(fd)), [b"s"], [s.fileno()])


def in_receive(fd, requests):
    _, fds, _, _ = socket.recv_fds(socket.socket(fileno=int(fd)), 16, 1)
    ask("enrolled receiver", socket.socket(fileno=fds[0]), requests)


def main(argv):
    mode, args = argv[1], argv[2:]
    if mode == "in-fork-exit":
        return in_fork_exit(args[0], args[1:])
    if mode == "in-pass":
        return in_pass(args[0])
    if mode == "in-receive":
        return in_receive(args[0], args[1:])
    ns, args = args[0], args[1:]
    reuse = "--reuse" in args
    args = [a for a in args if a != "--reuse"]
    back = None
    if "--back" in args:
        i = args.index("--back")
        back = args[i + 1]
        del args[i:i + 2]
    if mode == "fork-exit":
        return fork_exit(ns, reuse, args)
    if mode == "pass":
        return pass_socket(ns, reuse, back, args)
    sys.exit(f"unknown mode '{mode}'")


if __name__ == "__main__":
    main(sys.argv)
