# Browser playground: cimkit compiled to WebAssembly (wasm/), its static page
# (wasm/web/), `cimkit serve`, and the browser tests (test/browser/).
#
#   make wasm          builds wasm/web/cimkit.wasm and copies Go's wasm_exec.js
#   make playground    builds everything and serves the page on http://127.0.0.1:8080/
#   make test-browser  headless Debian chromium, driven by npm playwright-core
#
# The browser is Debian's chromium (installed with apt-get when missing); no
# tool is ever allowed to download a browser of its own.

WASM_WEB      := wasm/web
WASM_OUT      := $(WASM_WEB)/cimkit.wasm
BROWSER_TEST  := test/browser
CHROMIUM      ?= /usr/bin/chromium
PLAYGROUND    ?= 127.0.0.1:8080
# The whole browser suite (22 tests) took 465 s under load; idle it takes a few minutes.
BROWSER_TIMEOUT ?= 1200

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: wasm playground browser-deps test-browser
EXTRA_TESTS += test-browser

# The .gz beside the wasm is what `cimkit serve` sends to browsers: gzip -9
# packs it about 1% tighter than Go's compress/gzip.
#
# The tag "minimal" stops gonum.org/v1/plot from linking all its back ends
# (PNG, PDF, EPS, TeX) just to register them: the page only draws SVG, so
# the wasm links vgsvg alone (package plots; the other formats live in
# plots/export, which the wasm does not import). That saves about 0.8 MB
# gzipped.
wasm:
	GOOS=js GOARCH=wasm $(GO) build -tags minimal -trimpath -ldflags='-s -w' -o $(WASM_OUT) ./wasm
	gzip -9 -n -k -f $(WASM_OUT)
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(WASM_WEB)/wasm_exec.js

playground: build wasm
	$(CIMKIT) serve --addr $(PLAYGROUND) --dir $(WASM_WEB)

# Debian chromium (only when missing) and the pinned npm packages.
browser-deps: $(BROWSER_TEST)/node_modules/.package-lock.json
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian chromium"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium; \
	fi

$(BROWSER_TEST)/node_modules/.package-lock.json: $(BROWSER_TEST)/package.json $(BROWSER_TEST)/package-lock.json
	cd $(BROWSER_TEST) && npm ci --no-audit --no-fund --ignore-scripts

# Starts `cimkit serve` on a free loopback port, runs the node tests against
# it (with a time limit) and stops the server whatever happens.
# The ONNX upload is tested with the PaddleOCR classifier that mk/onnx.mk
# fetches (onnx-models).
BROWSER_ONNX = $(ONNX_MODELS_DIR)/ch_ppocr_mobile_v2.0_cls_infer.onnx

test-browser: build wasm browser-deps onnx-models
	CIMKIT=$(abspath $(CIMKIT)) CHROMIUM=$(CHROMIUM) WEB_DIR=$(abspath $(WASM_WEB)) ONNX_MODEL=$(BROWSER_ONNX) \
	ARTIFACTS=$(abspath test-artifacts) TIMEOUT=$(BROWSER_TIMEOUT) \
		sh $(BROWSER_TEST)/run.sh
