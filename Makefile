# Clonit: `make run` starts the demo on the embedded defaults; `make test` runs every test
# against real services, starting (and if need be installing) them first.

GO        ?= go
BIN       := bin
LDFLAGS   := -X github.com/clonit/clonit/internal/version.Version=$(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

export CLONIT_TEST_POSTGRES_URL  ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export CLONIT_TEST_S3_ENDPOINT   ?= 127.0.0.1:9123
export CLONIT_TEST_S3_ACCESS_KEY ?= clonitminio
export CLONIT_TEST_S3_SECRET_KEY ?= clonitminio-secret

.PHONY: build run test services vet bench screenshots clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...

run: build
	./scripts/demo.sh

services:
	./scripts/ensure-postgres.sh
	MINIO_PORT=9123 ./scripts/ensure-minio.sh
	./scripts/ensure-chromium.sh

vet:
	$(GO) vet ./...

test: services vet
	CLONIT_TEST_REQUIRE_SERVICES=1 $(GO) test -count=1 -timeout 25m ./...

# screenshots regenerates docs/screenshots/*.png from the browser tests.
screenshots: services
	CLONIT_UPDATE_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestBrowser' ./internal/web/

bench: build services
	./bench/run.sh

clean:
	rm -rf $(BIN)
