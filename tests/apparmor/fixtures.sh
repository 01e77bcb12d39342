#!/bin/sh
# The file tree every differential run starts from: /tmp/aad, recreated
# from scratch before each run so both runs see exactly the same objects.
# $1: the aa_ops binary (copied as the exec targets).
# $2 (optional): a template directory. If it exists, /tmp/aad is a copy of
# it (one cp instead of dozens of processes: a process costs ~100 ms in a
# TCG guest); if not, the tree is built and the template made from it.
set -e
ops=$1
tmpl=${2:-}
rm -rf /tmp/aad
if [ -n "$tmpl" ] && [ -d "$tmpl" ]; then
	# -a: owners, modes and symlinks as they are; every file its own inode
	cp -a "$tmpl" /tmp/aad
else
	mkdir -p /tmp/aad/r/sub/deep /tmp/aad/w/d1 /tmp/aad/w/emptydir /tmp/aad/own \
		/tmp/aad/bin /tmp/aad/lib /tmp/aad/deny /tmp/aad/alt /tmp/aad/home/user/docs \
		/tmp/aad/home/other /tmp/aad/link /tmp/aad/mv/from /tmp/aad/mv/to /tmp/aad/net
	for f in r/f1 r/f2 r/.hidden r/sub/f3 r/sub/deep/f4 w/f1 w/f2 w/d1/f own/mine own/theirs \
		deny/secret deny/public alt/a.txt alt/b.txt alt/c.log alt/ab alt/aX alt/abc \
		home/user/.bashrc home/user/docs/x home/other/y link/target link/plain mv/from/f \
		mv/from/g; do
		echo "data $f" > /tmp/aad/$f
	done
	chown 1000:1000 /tmp/aad/own/theirs /tmp/aad/home/other/y
	# the programs are copies, each its own inode with one name: nslsm's
	# decision cache holds exec decisions only for such files, and the
	# differential must see the cached decisions too (the second exec of a
	# program comes from the cache)
	for f in bin/true bin/child bin/named bin/other bin/unconf bin/pfall bin/cfall bin/safe \
		bin/uscrub bin/cscrub lib/x.so; do
		cp "$ops" /tmp/aad/$f
	done
	chmod 755 /tmp/aad/bin/* /tmp/aad/lib/x.so
	[ -z "$tmpl" ] || cp -a /tmp/aad "$tmpl"
fi
# extra setup of the operations under test (FILE.setup of prepare)
if [ -n "${FIXTURE_EXTRA:-}" ] && [ -s "$FIXTURE_EXTRA" ]; then
	sh "$FIXTURE_EXTRA"
fi
