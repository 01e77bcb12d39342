#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""aafs_io.py: one system call on an AppArmor file system, its result printed.

  aafs_io.py write FILE DATAFILE [OFFSET]  one write(2) (pwrite at OFFSET) of
                                          DATAFILE's bytes; "-" for stdin
  aafs_io.py writes FILE DATAFILE N       the bytes in two write(2)s on one
                                          open file, split after N bytes
  aafs_io.py query FILE LABEL PATH        aa_query_label's file query: write
                                          "label\\0LABEL\\0\\x02PATH", read the answer

Prints "ok BYTES" (then the answer for query) or "errno NAME" (exit 0
either way: the errno is the result under test).
"""
import errno
import os
import sys


def fail(e):
    print("errno " + errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(0)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    op, path = argv[1], argv[2]
    try:
        if op == "query":
            q = b"label\0" + argv[3].encode() + b"\0\x02" + argv[4].encode()
            fd = os.open(path, os.O_RDWR)
            n = os.write(fd, q)
            print("ok %d" % n)
            sys.stdout.write(os.read(fd, 4096).decode())
            return
        data = sys.stdin.buffer.read() if argv[3] == "-" else open(argv[3], "rb").read()
        fd = os.open(path, os.O_WRONLY)
        if op == "write":
            n = os.pwrite(fd, data, int(argv[4])) if len(argv) > 4 else os.write(fd, data)
        elif op == "writes":
            k = int(argv[4])
            n = os.write(fd, data[:k])
            n += os.write(fd, data[k:])
        else:
            sys.exit(__doc__)
        os.close(fd)
        print("ok %d" % n)
    except OSError as e:
        fail(e)


if __name__ == "__main__":
    main(sys.argv)
