"""Exports torchvision's pretrained ImageNet weights as safetensors files that Isthmus loads by state_dict name.

Needs internet access (torchvision downloads the weights once into ~/.cache/torch) and Python with torch,
torchvision and safetensors:

    pip install torch torchvision safetensors
    python scripts/export_torchvision.py [OUTPUT_DIR]            # default OUTPUT_DIR: data/

Writes OUTPUT_DIR/googlenet.safetensors, resnet18.safetensors and vit_b_16.safetensors (weights=DEFAULT:
GoogLeNet_Weights.IMAGENET1K_V1, ResNet18_Weights.IMAGENET1K_V1, ViT_B_16_Weights.IMAGENET1K_V1), one float32
tensor per state_dict entry (num_batches_tracked as int64), names unchanged.

Matching Isthmus models (Sources/IsthmusNN/Models): `GoogLeNet(classes: 1000)` (transformInput true, as torchvision
sets it for these weights), `ResNet18(classes: 1000)`, `VisionTransformer()` (ViT-B/16 defaults).
GoogLeNet's pretrained state_dict also holds the training-only auxiliary classifiers `aux1.*` / `aux2.*`; they are
dropped here, and a loader skips them anyway (`GoogLeNet.ignoredStateKeyPrefixes`).

Input normalization: all three expect [0, 1] RGB normalized with ImageNet mean (0.485, 0.456, 0.406) and std
(0.229, 0.224, 0.225) at 224x224 (resize 256 + center crop 224 for ResNet-18/GoogLeNet; ViT-B/16: resize 256,
bilinear, + center crop 224).
"""
import os
import sys

import torch
import torchvision
from safetensors.torch import save_file

MODELS = {
    "googlenet": lambda: torchvision.models.googlenet(weights=torchvision.models.GoogLeNet_Weights.DEFAULT),
    "resnet18": lambda: torchvision.models.resnet18(weights=torchvision.models.ResNet18_Weights.DEFAULT),
    "vit_b_16": lambda: torchvision.models.vit_b_16(weights=torchvision.models.ViT_B_16_Weights.DEFAULT),
}
IGNORED_PREFIXES = {"googlenet": ("aux1.", "aux2.")}


def export(name, out_dir):
    model = MODELS[name]().eval()
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()
             if not k.startswith(IGNORED_PREFIXES.get(name, ()))}
    path = os.path.join(out_dir, name + ".safetensors")
    save_file(state, path, metadata={"source": f"torchvision {torchvision.__version__} {name} weights=DEFAULT"})
    count = sum(v.numel() for k, v in state.items() if "running" not in k and "num_batches" not in k)
    print(f"{path}: {len(state)} entries, {count:,} parameters")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data")
    os.makedirs(out, exist_ok=True)
    torch.set_grad_enabled(False)
    for name in MODELS:
        export(name, out)
