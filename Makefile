# Front door: every target calls one script in scripts/.
#   make deps      install the packages (apt-get)
#   make run       boot the patched kernel, show its namespace facts
#                  (make run ADD="files" CMD="command line")
#   make check     every test, in the guest; DEBUG=1 for the debug kernel
# See README.md.

SHELL := /bin/bash
export DEBUG ADD CMD FORCE TIMEOUT

.PHONY: all deps tree export build check run shell lint bisect test-harness clean

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

lint:
	@scripts/lint.sh

bisect:
	@scripts/bisect.sh

test-harness:
	@python3 -m unittest discover -s tests -v

clean:
	rm -rf build/out-* build/logs
