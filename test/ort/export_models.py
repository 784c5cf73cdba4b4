#!/usr/bin/python3
"""Export the PyTorch test models of cimkit's inference checks to ONNX.

    /usr/bin/python3 export_models.py CACHE_DIR

Writes CACHE_DIR/<key>/<model>.onnx and CACHE_DIR/<key>/models.json (the
model names, files and input sizes) and prints CACHE_DIR/<key>. The key
holds the versions of torch, torchvision and onnx and a hash of this
script, so a new version or a changed script exports again, and a warm
cache exports nothing.

The models are torchvision's (Debian python3-torchvision), built with
weights=None (nothing is downloaded): random weights from a fixed seed.
Untrained BatchNorm statistics (mean 0, variance 1) let activations grow
layer after layer; instead the affine parameters are drawn at random and
each layer's running statistics are set to those of its input on a batch of
random image-like inputs (in inference mode, layer after layer), as
training would leave them. Exported
with torch.onnx.export(..., opset_version=13), batch 1, fixed input size.
"""

import hashlib
import json
import os
import sys

import onnx
import torch
import torchvision

# name -> (torchvision builder, input size in pixels). The sizes are small
# so that the whole check runs in a few minutes on two cores; every model
# here ends in an adaptive pooling, so any size works.
MODELS = {
    "resnet18": ("resnet18", 64),
    "mobilenet_v2": ("mobilenet_v2", 64),
    "mobilenet_v3_small": ("mobilenet_v3_small", 64),
    "squeezenet1_1": ("squeezenet1_1", 64),
    "efficientnet_b0": ("efficientnet_b0", 64),
    "densenet121": ("densenet121", 64),
}

SEED = 20231


def cache_key():
    with open(__file__, "rb") as f:
        script = hashlib.sha256(f.read()).hexdigest()[:12]
    return f"torch{torch.__version__}-tv{torchvision.__version__}-onnx{onnx.__version__}-{script}"


def build(builder, size):
    torch.manual_seed(SEED)
    model = getattr(torchvision.models, builder)(weights=None).eval()
    gen = torch.Generator().manual_seed(SEED)
    hooks = []
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.weight.data = 0.5 + torch.rand(m.weight.shape, generator=gen)
            m.bias.data = 0.5 * torch.rand(m.bias.shape, generator=gen) - 0.25
            hooks.append(m.register_forward_pre_hook(set_stats))
    with torch.no_grad():
        model(image_like(32, size, gen))
    for h in hooks:
        h.remove()
    return model


def set_stats(bn, inputs):
    """Before a BatchNorm runs (in inference mode), set its running
    statistics to those of its actual input, as training would leave them:
    every layer then sees normalised inputs, however deep."""
    x = inputs[0]
    dims = [0] + list(range(2, x.dim()))
    bn.running_mean.copy_(x.mean(dims))
    bn.running_var.copy_(x.var(dims))


def image_like(n, size, gen):
    """Random pictures, roughly like photographs: a colour cast, smooth
    blobs (noise at 1/8 of the size, upsampled), flat patches with sharp
    edges (noise at 1/4 of the size, nearest-neighbour) and a little fine
    texture, in the value range of ImageNet-normalised pixels."""
    def up(div, mode):
        coarse = torch.randn(n, 3, max(size // div, 1), max(size // div, 1), generator=gen)
        return torch.nn.functional.interpolate(coarse, size=(size, size), mode=mode)

    offset = 3 * torch.rand(n, 3, 1, 1, generator=gen) - 1.5  # the colour cast of each picture
    return offset + 0.6 * up(8, "bilinear") + 0.8 * up(4, "nearest") + 0.2 * torch.randn(n, 3, size, size, generator=gen)


def main():
    if len(sys.argv) != 2:
        print("usage: export_models.py CACHE_DIR", file=sys.stderr)
        sys.exit(2)
    out = os.path.join(sys.argv[1], cache_key())
    os.makedirs(out, exist_ok=True)
    manifest = os.path.join(out, "models.json")
    if not os.path.exists(manifest):
        torch.set_num_threads(1)
        index = {}
        for name, (builder, size) in MODELS.items():
            path = os.path.join(out, name + ".onnx")
            model = build(builder, size)
            x = torch.zeros(1, 3, size, size)
            torch.onnx.export(model, x, path + ".tmp", opset_version=13,
                              input_names=["input"], output_names=["output"])
            onnx.checker.check_model(path + ".tmp")
            os.replace(path + ".tmp", path)
            index[name] = {"file": name + ".onnx", "input": size, "norm": "imagenet"}
        with open(manifest + ".tmp", "w") as f:
            json.dump(index, f, indent=1)
        os.replace(manifest + ".tmp", manifest)
    print(out)


if __name__ == "__main__":
    main()
