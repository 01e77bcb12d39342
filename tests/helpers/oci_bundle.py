#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""oci_bundle.py: write an OCI bundle's config.json for crun and runc.

  oci_bundle.py BUNDLE [--root DIR] [--hook PATH] [--hook-env K=V]... [--annotation K=V]...
                [--raw-annotations JSON] [--bind SRC:DST[:rw]]... [--tmpfs DST]...
                [--sysfs 1] [--cap CAP_NAME]... [--env K=V]... -- ARG...

BUNDLE/rootfs, or DIR (absolute: runc takes no symlink), is the root
(read-only); ARG... the entrypoint. --hook lists
PATH under hooks.createRuntime and hooks.poststop (as nslsm-oci-hook
createRuntime|poststop) with the environment --hook-env gives. The
container has its own pid, mount, ipc, uts and network namespaces, as a
runtime's default spec has. --bind adds a bind mount (read-only unless
:rw), --tmpfs a tmpfs, --sysfs 1 a read-only sysfs at /sys, --cap a
capability to the entrypoint's default three (CAP_AUDIT_WRITE,
CAP_KILL, CAP_NET_BIND_SERVICE), --env a variable to the entrypoint's
environment (PATH=/bin TERM=dumb).
"""
import json
import sys


def main(argv):
    if "--" not in argv or len(argv) < 3:
        sys.exit(__doc__)
    sep = argv.index("--")
    opts, args = argv[1:sep], argv[sep + 1:]
    bundle, opts = opts[0], opts[1:]
    hook, hook_env, annotations, root = None, [], {}, "rootfs"
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    raw = None
    binds, tmpfs, sysfs, extra_caps, env = [], [], False, [], []
    while opts:
        opt, val, opts = opts[0], opts[1], opts[2:]
        if opt == "--root":
            root = val
        elif opt == "--hook":
            hook = val
        elif opt == "--hook-env":
            hook_env.append(val)
        elif opt == "--annotation":
            k, _, v = val.partition("=")
            annotations[k] = v
        elif opt == "--raw-annotations":
            raw = val
        elif opt == "--bind":
            binds.append(val.split(":"))
        elif opt == "--tmpfs":
            tmpfs.append(val)
        elif opt == "--sysfs":
            sysfs = val == "1"
        elif opt == "--cap":
            extra_caps.append(val)
        elif opt == "--env":
            env.append(val)
        else:
            sys.exit("unknown option " + opt)
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"] + extra_caps
    config = {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": args,
            "env": ["PATH=/bin", "TERM=dumb"] + env,
            "cwd": "/",
            "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
            "noNewPrivileges": True,
        },
        "root": {"path": root, "readonly": True},
        "hostname": "oci",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "nodev", "mode=1777"]},
        ],
        "linux": {
            "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network")],
            "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list"],
            "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"],
        },
    }
    mounts = config["mounts"]
    if sysfs:
        mounts.append({"destination": "/sys", "type": "sysfs", "source": "sysfs",
                       "options": ["nosuid", "noexec", "nodev", "ro"]})
    for b in binds:
        opts = ["rbind", "rw" if b[2:] == ["rw"] else "ro"]
        mounts.append({"destination": b[1], "type": "bind", "source": b[0], "options": opts})
    for t in tmpfs:
        mounts.append({"destination": t, "type": "tmpfs", "source": "tmpfs",
                       "options": ["nosuid", "nodev", "mode=755"]})
    if annotations:
        config["annotations"] = annotations
    if hook:
        entry = lambda name: {"path": hook, "args": ["nslsm-oci-hook", name], "env": hook_env}
        config["hooks"] = {"createRuntime": [entry("createRuntime")],
                           "poststop": [entry("poststop")]}
    text = json.dumps(config, indent=1)
    if raw is not None:
        # annotations as given, byte for byte (duplicate keys, odd values)
        text = text.rstrip()[:-1] + ',\n "annotations": ' + raw + "\n}"
    with open(bundle + "/config.json", "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main(sys.argv)
