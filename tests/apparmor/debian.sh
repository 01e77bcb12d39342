# shellcheck shell=sh
# Sourced by tests/apparmor/prepare: the operations generated for a profile
# of /etc/apparmor.d (Debian's apparmor and apparmor-profiles packages):
#   - open for reading every file of a common sample of the guest's file
#     system (configuration, libraries, /proc, /sys, the fixture tree): what
#     a profile allows and what it does not;
#   - mmap with PROT_EXEC of the shared libraries of that sample;
#   - for each literal path of the profile's own rules: open for reading if
#     it exists; and, under the writable trees (/tmp, /run, /var/log,
#     /var/tmp, /root), create and write it (its directory is made first,
#     outside confinement, for both runs alike).

debian_sample() {
	{
		find /etc -xdev -maxdepth 2 -type f -readable 2>/dev/null | sort | head -n 150
		find /usr/lib/x86_64-linux-gnu -maxdepth 1 -name 'lib*.so*' -type f 2>/dev/null |
			sort | head -n 20
		find /usr/share/zoneinfo -maxdepth 1 -type f 2>/dev/null | sort | head -n 5
		echo /proc/self/status
		echo /proc/self/maps
		echo /proc/1/cmdline
		echo /proc/sys/kernel/hostname
		echo /proc/meminfo
		echo /proc/cpuinfo
		echo /sys/devices/system/cpu/online
		echo /sys/kernel/mm/transparent_hugepage/enabled
		for f in r/f1 r/sub/f3 w/f1 alt/a.txt deny/secret home/user/.bashrc; do
			echo /tmp/aad/$f
		done
		find /etc -xdev -maxdepth 1 -type d | sort | head -n 20
	}
}

debian_ops() { # PREPROCESSED_PROFILE SETUP -> ops on stdout, fixtures script to SETUP
	setup=$2
	: >"$setup.d"
	: >"$setup.f"
	debian_sample | while read -r f; do
		if [ -d "$f" ]; then
			echo "open $f r"
		else
			echo "open $f r"
			case $f in *.so*) echo "mmap $f" ;; esac
		fi
	done
	# literal paths of the profile's own file rules
	sed -n 's/^[[:space:]]*\(owner[[:space:]]\+\|audit[[:space:]]\+\|deny[[:space:]]\+\)*\(\/[^[:space:],{}*?@[]*\)[[:space:]]\+[rwaklmixPUCpuc]*,.*/\2/p' "$1" |
		sort -u | head -n 80 | while read -r p; do
			case $p in
			*/) [ -d "$p" ] && echo "open $p r" ;;
			*)
				[ -e "$p" ] && [ ! -d "$p" ] && echo "open $p r"
				case $p in
				/tmp/?*|/run/?*|/var/log/?*|/var/tmp/?*|/root/?*)
					echo "'$(dirname "$p")'" >>"$setup.d"
					echo "'$p'" >>"$setup.f"
					echo "open $p wc"
					echo "open $p a"
					echo "unlink $p"
					;;
				esac
				;;
			esac
		done
	# one mkdir and one rm for all of them (a process is dear in the guest)
	: >"$setup"
	if [ -s "$setup.f" ]; then
		echo "mkdir -p $(sort -u "$setup.d" | tr '\n' ' ')2>/dev/null; rm -f $(tr '\n' ' ' <"$setup.f")" >"$setup"
	fi
	rm -f "$setup.d" "$setup.f"
}

