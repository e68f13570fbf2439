"""Golden values of EfficientNet-Lite0 with the REAL ImageNet weights on a real photo (issue: pretrained network).

    python scripts/golden/make_real_efficientnet_fixture.py [data/efficientnet-lite0.pth] [data/photos/coffee.png]

Needs torch, Pillow and the reference architecture (`pip install --no-deps efficientnet-lite-pytorch==0.1.0`).
The input is a 224x224 window cut from coffee.png without resizing (so only PNG decoding, which is lossless, is shared
with the Swift side), scaled as (x/255 - 0.5) / 0.5. Writes Tests/IsthmusNNTests/Fixtures/efficientnet-lite0-real.json:
the crop box, the pixel sum (to check decoding), the logits, the cross-entropy of class 967 (espresso) and sampled
entries of its input gradient. The weights are not stored; the Swift test runs when data/ holds them.
"""
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from efficientnet_lite_pytorch import EfficientNet

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
weights = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "efficientnet-lite0.pth")
photo = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "data", "photos", "coffee.png")
box = [150, 80, 224, 224]  # x, y, width, height

model = EfficientNet.from_name("efficientnet-lite0")
model.load_state_dict(torch.load(weights, map_location="cpu"))
model.eval()
pixels = np.asarray(Image.open(photo).convert("RGB"))[box[1]:box[1] + box[3], box[0]:box[0] + box[2]]
x = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0)
x = ((x - 0.5) / 0.5).contiguous().requires_grad_(True)
logits = model(x)
loss = F.cross_entropy(logits, torch.tensor([967]))
loss.backward()
g = x.grad.reshape(-1)
idx = list(range(0, g.numel(), g.numel() // 199))
out = {"box": box, "pixelSum": int(pixels.astype(np.int64).sum()), "logits": [float(v) for v in logits.detach().reshape(-1)],
       "top5": [int(i) for i in logits.detach().reshape(-1).argsort(descending=True)[:5]], "label": 967, "loss": float(loss),
       "gradIndex": idx, "gradAtIndex": [float(g[i]) for i in idx], "gradAbsSum": float(g.abs().sum())}
path = os.path.join(ROOT, "Tests", "IsthmusNNTests", "Fixtures", "efficientnet-lite0-real.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes; top5", out["top5"], "loss", out["loss"])
