# Whole-network inference checked against ONNX Runtime (issue 15).
#
#   make infer-deps     Debian python3-torch, python3-torchvision, python3-onnx
#                       (to export the test models) and npm onnxruntime-node
#                       (test/ort, pinned by its lock file; its Linux x64 CPU
#                       binaries ship in the package, no install script runs)
#   make infer-models   export the PyTorch test models to ONNX, cached under
#                       .cache/infer/<versions and script hash>/ (a warm cache
#                       exports nothing)
#   make test-infer     cim/infer against ONNX Runtime on those models and the
#                       PaddleOCR ones (mk/onnx.mk), cimkit infer's tests, and
#                       a short fuzz run of the .npy reader (INFER_FUZZTIME)
#
# The Go tests find everything through CIMKIT_ORT, CIMKIT_INFER_MODELS and
# CIMKIT_ONNX_MODELS; a plain "go test ./..." skips the ONNX Runtime checks.

INFER_CACHE   := $(CURDIR)/.cache/infer
INFER_DEBS    := python3-torch python3-torchvision python3-onnx
ORT_DIR       := test/ort
ORT_SCRIPT    := $(CURDIR)/$(ORT_DIR)/run.mjs
INFER_TIMEOUT ?= 30m
INFER_FUZZTIME ?= 100000x

EXTRA_TESTS += test-infer

.PHONY: infer-deps infer-models test-infer

# apt_install is defined in mk/jupyter.mk.
infer-deps: $(ORT_DIR)/node_modules/.package-lock.json
	$(call apt_install,$(INFER_DEBS))

$(ORT_DIR)/node_modules/.package-lock.json: $(ORT_DIR)/package.json $(ORT_DIR)/package-lock.json
	cd $(ORT_DIR) && npm ci --no-audit --no-fund --ignore-scripts

# The export script prints its cache folder (keyed by the versions of
# torch, torchvision and onnx and by its own hash).
infer-models: infer-deps
	@/usr/bin/python3 $(ORT_DIR)/export_models.py $(INFER_CACHE) >/dev/null

test-infer: infer-models onnx-models
	dir=$$(/usr/bin/python3 $(ORT_DIR)/export_models.py $(INFER_CACHE)) && \
	CIMKIT_ORT=$(ORT_SCRIPT) CIMKIT_INFER_MODELS=$$dir CIMKIT_ONNX_MODELS=$(ONNX_MODELS_DIR) \
		$(GO) test -count=1 -timeout $(INFER_TIMEOUT) ./cim/infer/ && \
	CIMKIT_ORT=$(ORT_SCRIPT) CIMKIT_INFER_MODELS=$$dir CIMKIT_ONNX_MODELS=$(ONNX_MODELS_DIR) \
		$(GO) test -count=1 -run Infer ./cmd/cimkit/ && \
	$(GO) test -run '^$$' -fuzz '^FuzzReadNPY$$' -fuzztime $(INFER_FUZZTIME) ./cim/infer/
