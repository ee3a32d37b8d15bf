# winnow: the two commands a newcomer needs are `make demo` and `make test`.
GO ?= go
FUZZTIME ?= 10s

.PHONY: all build demo test vet check race lint cross fuzz bench clean

all: build

build:
	$(GO) build -o bin/winnow ./cmd/winnow

# Run the fineweb preset over the built-in sample corpus (527 real web docs).
demo:
	rm -rf out/demo
	$(GO) run ./cmd/winnow run --out out/demo testdata/sample/webtext-sample.jsonl.gz

# Everything CI checks: formatting, vet, unit + parity + end-to-end tests.
# go test also runs every fuzz target on its seed corpus and on the
# regression inputs saved in testdata/fuzz; `make fuzz` explores further.
test: vet
	$(GO) test -count=1 ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# CI's further checks: the race detector on the packages that run
# goroutines, staticcheck, and builds for Windows and macOS.
check: race lint cross

race:
	$(GO) test -race -short -count=1 ./pipeline ./dedup ./outdir ./extract ./cmd/winnow

lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

cross:
	GOOS=windows GOARCH=amd64 $(GO) build ./...
	GOOS=darwin GOARCH=arm64 $(GO) build ./...

# Each fuzz target for FUZZTIME (go test -fuzz takes one target at a time).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "fuzz $$pkg $$t"; \
	    log=$$(mktemp); \
	    if ! timeout 300 $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg >$$log 2>&1; then \
	      if grep -q 'Failing input written to' $$log || ! grep -q 'context deadline exceeded' $$log; then tail -40 $$log; rm -f $$log; exit 1; fi; \
	      echo "  (the fuzzer stopped at its deadline with a worker busy, no failing input: go test's own flake; going on)"; \
	    fi; \
	    rm -f $$log; \
	  done; \
	done

bench:
	bench/run.sh

clean:
	rm -rf bin out
