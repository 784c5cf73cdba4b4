# Jupyter with a Go kernel (gonb), for cimkit's notebooks (issue 6).
#
#   make kernel          build gonb + goimports (kernel/tools module) and register
#                        the "cimkit-go" kernelspec in .cache/jupyter/data
#   make kernel-user     the same, but register it for the user
#                        (~/.local/share/jupyter), so any Jupyter finds it
#   make notebook        start Jupyter Notebook on 127.0.0.1 (NB_PORT, default 8888),
#                        with gopls for auto-completion (built on first use)
#   make test-notebooks  execute every notebooks/*.ipynb headless and check
#                        that the outputs hold the expected tables and figures
#
# Everything lives under .cache/jupyter (ignored by git); nothing is written to
# the user's Jupyter folders except by kernel-user. Jupyter is Debian's
# (apt-get, run with /usr/bin/python3).

JUPYTER_DIR      := $(CURDIR)/.cache/jupyter
JUPYTER_BIN      := $(JUPYTER_DIR)/bin
JUPYTER_DATA     := $(JUPYTER_DIR)/data
GONB             := $(JUPYTER_BIN)/gonb
GOIMPORTS        := $(JUPYTER_BIN)/goimports
GOPLS            := $(JUPYTER_BIN)/gopls
NB_OUT           := out/notebooks
NB_PORT          ?= 8888
NB_TIMEOUT       ?= 900
NOTEBOOKS        := $(sort $(wildcard notebooks/*.ipynb))
JUPYTER_PY       := /usr/bin/python3
JUPYTER_DEBS     := jupyter-nbconvert jupyter-client python3-ipykernel
JUPYTER_NB_DEBS  := jupyter-notebook

# Jupyter finds the kernelspec here and keeps its runtime files here.
JUPYTER_ENV := JUPYTER_PATH=$(JUPYTER_DATA) JUPYTER_DATA_DIR=$(JUPYTER_DATA) \
	JUPYTER_CONFIG_DIR=$(JUPYTER_DIR)/config JUPYTER_RUNTIME_DIR=$(JUPYTER_DIR)/runtime \
	JUPYTER_PLATFORM_DIRS=1 PYTHONNOUSERSITE=1 PYDEVD_DISABLE_FILE_VALIDATION=1

EXTRA_TESTS += test-notebooks

.PHONY: jupyter-deps jupyter-notebook-deps kernel kernel-user notebook test-notebooks

# apt-get only when a package is missing (dpkg-query answers in milliseconds).
define apt_install
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install$$missing"; \
		apt-get update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing; \
	fi
endef

jupyter-deps:
	$(call apt_install,$(JUPYTER_DEBS))

jupyter-notebook-deps:
	$(call apt_install,$(JUPYTER_DEBS) $(JUPYTER_NB_DEBS))

$(GONB) $(GOIMPORTS): kernel/tools/go.mod kernel/tools/go.sum
	@mkdir -p $(JUPYTER_BIN)
	cd kernel/tools && $(GO) build -o $(GONB) github.com/janpfeifer/gonb
	cd kernel/tools && $(GO) build -o $(GOIMPORTS) golang.org/x/tools/cmd/goimports

# gopls gives notebooks auto-completion and documentation on hover; only
# interactive use needs it (a few minutes to build), so only make notebook
# builds it. It has its own tools module (its x/tools differs from goimports').
$(GOPLS): kernel/tools/gopls/go.mod kernel/tools/gopls/go.sum
	@mkdir -p $(JUPYTER_BIN)
	cd kernel/tools/gopls && $(GO) build -o $(GOPLS) golang.org/x/tools/gopls

kernel: jupyter-deps $(GONB) $(GOIMPORTS)
	kernel/spec/install.sh $(JUPYTER_DATA) $(GONB) $(JUPYTER_BIN) $(CURDIR)

kernel-user: jupyter-deps $(GONB) $(GOIMPORTS)
	kernel/spec/install.sh $$($(JUPYTER_PY) -m jupyter --data-dir) $(GONB) $(JUPYTER_BIN) $(CURDIR)

# Jupyter refuses to run as root unless told; on the project's machines
# (root) it is told.
NB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

notebook: jupyter-notebook-deps kernel onnx-models
	$(JUPYTER_ENV) $(JUPYTER_PY) -m notebook --ip=127.0.0.1 --port=$(NB_PORT) \
		--no-browser $(NB_ROOT_FLAG) --notebook-dir=$(CURDIR)/notebooks

# Each notebook runs in a fresh kernel; nbconvert exits non-zero on any cell
# error. The executed copies go to out/notebooks, nbconvert's standard error
# (with the kernel's) to out/notebooks/NAME.stderr, then nbcheck reads both:
# the log may hold nbconvert's progress lines only (kernel/nbcheck).
# When a notebook fails, its log is printed and it is run once more with
# --allow-errors into out/notebooks/failed, and nbcheck prints what the
# failing cells wrote. 04-onnx reads the ONNX models that onnx-models
# (mk/onnx.mk) fetches.
NBCONVERT := $(JUPYTER_ENV) $(JUPYTER_PY) -m nbconvert --to notebook --execute \
	--ExecutePreprocessor.kernel_name=cimkit-go --ExecutePreprocessor.timeout=$(NB_TIMEOUT)

test-notebooks: kernel onnx-models
	@mkdir -p $(NB_OUT)
	@for nb in $(NOTEBOOKS); do \
		start=$$(date +%s); \
		log=$(NB_OUT)/$$(basename $$nb .ipynb).stderr; \
		$(NBCONVERT) --output-dir=$(NB_OUT) $$nb 2>$$log || { \
			cat $$log; \
			echo "$$nb failed; running it again with --allow-errors to show the failing cells:"; \
			$(NBCONVERT) --allow-errors --output-dir=$(NB_OUT)/failed $$nb >/dev/null 2>&1; \
			$(GO) run ./kernel/nbcheck $(NB_OUT)/failed/$$(basename $$nb); \
			exit 1; }; \
		echo "$$nb: executed in $$(( $$(date +%s) - start )) s"; \
	done
	$(GO) run ./kernel/nbcheck $(addprefix $(NB_OUT)/,$(notdir $(NOTEBOOKS)))
