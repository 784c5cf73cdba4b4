#!/bin/sh
# Writes the "cimkit-go" Jupyter kernelspec: the gonb Go kernel, with a
# go.work that puts this working tree's module in every notebook, so cells
# import github.com/cimkit/cimkit/... straight from the sources.
#
# usage: install.sh DATA_DIR GONB_BIN TOOLS_BIN REPO_ROOT
#   DATA_DIR   Jupyter data folder; the spec goes to DATA_DIR/kernels/cimkit-go
#   GONB_BIN   the gonb binary
#   TOOLS_BIN  folder holding goimports (put first on the kernel's PATH)
#   REPO_ROOT  the cimkit working tree (absolute path)
set -eu
if [ $# -ne 4 ]; then
	echo "usage: $0 DATA_DIR GONB_BIN TOOLS_BIN REPO_ROOT" >&2
	exit 2
fi
data=$1 gonb=$2 tools=$3 root=$4
for f in "$gonb" "$tools/goimports"; do
	[ -x "$f" ] || { echo "$0: $f is missing or not executable (run make kernel)" >&2; exit 1; }
done
[ -f "$root/go.mod" ] || { echo "$0: $root/go.mod not found: REPO_ROOT must be the cimkit working tree" >&2; exit 1; }
goroot=$(go env GOROOT)
dir="$data/kernels/cimkit-go"
# gonb's own log (klog) goes to files in $logs, errors included
# (--stderrthreshold=FATAL): at every start gonb v0.11.5 logs an error when
# gopls is missing (only make notebook builds it) and a test line "Error
# message", in terminal colours, which Jupyter and nbconvert would print.
# A cell's own errors (compiler messages, panics) reach the notebook as the
# cell's output, not through this log.
logs="$dir/logs"
mkdir -p "$dir" "$logs"
# JSON strings: the paths come from make and go env; refuse characters that
# would need escaping rather than writing a broken spec.
for s in "$gonb" "$tools" "$root" "$goroot" "$PATH"; do
	case $s in *'"'* | *'\'*) echo "$0: path $s contains a quote or backslash" >&2; exit 1 ;; esac
done
cat >"$dir/kernel.json" <<JSON
{
  "argv": ["$gonb", "--kernel", "{connection_file}", "--go_work=$root", "--logtostderr=false", "--log_dir=$logs", "--stderrthreshold=FATAL"],
  "display_name": "Go (cimkit)",
  "language": "go",
  "interrupt_mode": "message",
  "env": {
    "PATH": "$tools:$goroot/bin:$PATH",
    "GOFLAGS": "-buildvcs=false",
    "CIMKIT_ROOT": "$root"
  }
}
JSON
echo "kernelspec cimkit-go written to $dir"
