# Front door: every target calls one script in scripts/.
#   make deps      install the packages (apt-get)
#   make run       boot the patched kernel, show its namespace facts
#                  (make run ADD="files" CMD="command line"; REF=mainline
#                  boots Debian's mainline binary kernel instead)
#   make check     every test, in the guest; DEBUG=1 for the debug kernel;
#                  REF=mainline also on Debian's mainline binary kernel
#   make regress   6.12's own selftests on the base and the patched kernel
#   make bench     patched vs unpatched base kernel: benchmark ratios; INSN=1
#                  counts guest instructions (QEMU -icount) instead of time
#                  (BENCH_BOOTS=3 BENCH_REPS=3 SKIP_BUILD=1)
#   make profile   where a benchmark's instructions go, function by function,
#                  base vs patched (PROFILE_CMD="create uts" PROFILE_N1=2000
#                  PROFILE_N2=12000 PROFILE_TOP=40 SKIP_BUILD=1)
#   make fuzz      trinity and nsfuzz in the debug kernel, bounded
#                  (FUZZ_SEED=1 FUZZ_CALLS=500000 FUZZ_TRINITY_OPS=2000
#                  SKIP_BUILD=1 FUZZ_KERNEL=bzImage)
#   make nsctl     build the nsctl tool (tools/nsctl) into build/nsctl/nsctl
#   make nsctl-test  build it and run its tests on this machine (as root)
#   make deb       Debian packages of the patched kernel, in build/deb
#                  (DEB_CONFIG=debian (default), guest, or a config file)
# Every boot: ACCEL=kvm|tcg overrides the accelerator probe (scripts/accel.sh).
# ARCH=arm64 (make run, check, shell, bisect): an arm64 guest, cross-built
# and booted in qemu-system-aarch64 -M virt; the default is x86_64.
# See README.md.

SHELL := /bin/bash
export DEBUG ADD CMD FORCE TIMEOUT BENCH_BOOTS BENCH_REPS BENCH_CMD BENCH_APPEND BENCH_PATCHED_OUT \
	INSN SKIP_BUILD DEB_CONFIG ARCH PROFILE_CMD PROFILE_N1 PROFILE_N2 PROFILE_TOP PROFILE_SETTLE \
	BISECT_FROM FUZZ_SEED FUZZ_CALLS FUZZ_TRINITY_OPS FUZZ_KERNEL ACCEL REF RUN_NAME

.PHONY: all deps tree export build check regress run shell bench profile fuzz lint bisect test-harness clean \
	nsctl nsctl-test deb

all: check

deps:
	@scripts/deps.sh

tree:
	@scripts/tree.sh

export:
	@scripts/export.sh

build:
	@scripts/tree.sh
	@scripts/build.sh

check:
	@scripts/check.sh

regress:
	@scripts/regress.sh

run:
	@scripts/run.sh $(ADD)

shell:
	@scripts/shell.sh $(ADD)

bench:
	@scripts/bench.sh

profile:
	@scripts/profile.sh

fuzz:
	@scripts/fuzz.sh

lint:
	@scripts/lint.sh

bisect:
	@scripts/bisect.sh

nsctl:
	@tools/nsctl/build.sh

nsctl-test:
	@tools/nsctl/check.sh

deb:
	@scripts/deb.sh

test-harness:
	@python3 -m unittest discover -s tests -v

clean:
	rm -rf build/out-* build/logs
