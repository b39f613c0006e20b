# Front door: every target calls one script in scripts/.
#   make deps      install the packages (apt-get)
#   make run       boot the patched kernel, show its namespace facts
#                  (make run ADD="files" CMD="command line")
#   make check     every test, in the guest; DEBUG=1 for the debug kernel
#   make bench     patched vs unpatched base kernel: benchmark ratios
#                  (BENCH_BOOTS=3 BENCH_REPS=3 SKIP_BUILD=1)
# See README.md.

SHELL := /bin/bash
export DEBUG ADD CMD FORCE TIMEOUT BENCH_BOOTS BENCH_REPS BENCH_CMD SKIP_BUILD

.PHONY: all deps tree export build check run shell bench lint bisect test-harness clean

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

run:
	@scripts/run.sh $(ADD)

shell:
	@scripts/shell.sh $(ADD)

bench:
	@scripts/bench.sh

lint:
	@scripts/lint.sh

bisect:
	@scripts/bisect.sh

test-harness:
	@python3 -m unittest discover -s tests -v

clean:
	rm -rf build/out-* build/logs
