# SPDX-License-Identifier: MIT
# wormscope: thin front over CMake/CTest. See README.md.
#   make deps   install the Debian packages the project needs (when root), else print the command
#   make        build build/wormscope (release flags + tests, sanitizers in the test build)
#   make check  deps, build, run every CTest test
#   make demo   deps, build, scan the bundled demo logs
#   make bench  speed benchmark against grep, GoAccess and AWStats (bench/run.sh)
#   make bench-guard  wormscope guard against nginx, with a worm flood (bench/guard.sh)
#   make bench-mpi  simulate's scaling over 1 and 2 MPI ranks (bench/mpi.sh)
#   make bench-telescope  scan --telescope on a SYN-only capture against tshark (bench/telescope.sh)
#   make validate  every simulator validation check; writes docs/validation.md (scripts/validate.py)
#                  and docs/estimate-validation.md (scripts/validate_estimate.py)
#   make fuzz   libFuzzer targets (clang) into build-fuzz/
#   make install  binary and man page under PREFIX (default /usr/local)

BUILD   ?= build
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# Build and test dependencies, Debian 12 package names.
DEPS = build-essential cmake pkg-config libcmocka-dev zlib1g-dev libzstd-dev zstd \
       libhyperscan-dev libjansson-dev clang python3 \
       libsqlite3-dev sqlite3 libpq-dev postgresql-15 libpcap-dev libevent-dev tshark chromium fonts-dejavu-core \
       openmpi-bin libopenmpi-dev
# Peers the benchmark measures against (only needed by `make bench`).
BENCH_DEPS = awstats goaccess wrk nginx-light hyperfine time

.PHONY: all deps bench-deps build check demo bench bench-guard bench-mpi bench-telescope validate fuzz install clean

all: build

deps:
	@scripts/deps.sh $(DEPS)

bench-deps:
	@scripts/deps.sh $(BENCH_DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: deps
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@test -d ../shared/data/real || echo "note: the real-log tests (ctest -L real) were skipped: ../shared/data/real is absent; tests/real/README.md says what it holds and where to get it"

demo: deps
	$(MAKE) build
	@scripts/demo.sh $(BUILD)/wormscope

bench: deps bench-deps
	$(MAKE) build
	bench/run.sh $(BUILD)

bench-guard: deps bench-deps
	$(MAKE) build
	bench/guard.sh $(BUILD)

bench-mpi: deps bench-deps
	$(MAKE) build
	bench/mpi.sh $(BUILD)

bench-telescope: deps bench-deps
	$(MAKE) build
	bench/telescope.sh $(BUILD)

validate: deps
	$(MAKE) build
	python3 scripts/validate.py $(BUILD) --shared ../shared --out docs/validation.md
	python3 scripts/validate_estimate.py $(BUILD) --obs ../shared/data/observations --out docs/estimate-validation.md

fuzz: deps
	cmake -S . -B build-fuzz -DWS_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j $(JOBS)
	@echo "fuzz targets in build-fuzz/fuzz/ (run e.g. build-fuzz/fuzz/fuzz_ncsa fuzz/corpus/ncsa)"

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-fuzz
