"""Whole-tensor float32 and float64 references of the golden models, for tolerance-by-error-model tests.

    python scripts/golden/make_reference_gradients.py

Needs torch, torchvision, Pillow and `pip install --no-deps efficientnet-lite-pytorch==0.1.0`. For every model of
Tests/IsthmusNNTests/Fixtures/models.json and zoo.json (closed-form `pattern` weights, the input phase and labels
recorded there) and for EfficientNet-Lite0 with its real weights on the coffee crop of efficientnet-lite0-real.json
(when data/ holds them, see scripts/setup.sh), it runs PyTorch once in float32 and once in float64 (the same
weights and input, widened) and writes

  Tests/IsthmusNNTests/Fixtures/references/<name>.npy   float32 [2, logits + input gradient]: row 0 PyTorch
                                                        float32, row 1 PyTorch float64 (rounded to float32)
  Tests/IsthmusNNTests/Fixtures/references/summary.json PyTorch float32's own error against float64: relative L2
                                                        of the logits and of the input gradient (of the mean
                                                        cross-entropy), and the fraction of gradient entries off by
                                                        more than 1e-3 of the largest.

The Swift tests then require Isthmus's error against float64 to be at most 1.5x PyTorch float32's (or within the
float32 error model where PyTorch happens to be closer), so that a kink that flips under rounding (ReLU, ReLU6,
max-pool ties) is judged against how much rounding alone moves the result, not against one machine's luck.
"""
import copy, json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, fill, input_pattern  # noqa: E402
from torch_models import MnistCNN, ResNet18Cifar  # noqa: E402

FIXTURES = os.path.join(ROOT, "Tests", "IsthmusNNTests", "Fixtures")
OUT = os.path.join(FIXTURES, "references")
FRACTION_TOLERANCE = 1e-3


def pattern_models():
    from efficientnet_lite_pytorch import EfficientNet
    vit = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64,
                                               mlp_dim=128, num_classes=10)
    return {
        "mnist-cnn": ("models", MnistCNN),
        "resnet18-cifar": ("models", lambda: ResNet18Cifar(10)),
        "resnet18": ("models", lambda: torchvision.models.resnet18(weights=None, num_classes=10)),
        "efficientnet-lite0": ("zoo", lambda: EfficientNet.from_name("efficientnet-lite0", num_classes=10)),
        "googlenet": ("zoo", lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False,
                                                                  transform_input=True, num_classes=10)),
        "vit-tiny": ("zoo", lambda: vit),
    }


def run(model, x, labels):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    F.cross_entropy(logits, torch.tensor(labels)).backward()
    return logits.detach().reshape(-1).double(), x.grad.reshape(-1).double()


def rel_l2(a, b):
    return float((a - b).norm() / b.norm())


def reference(name, model, x, labels, summary):
    model.eval()
    l32, g32 = run(model, x, labels)
    l64, g64 = run(copy.deepcopy(model).double(), x.double(), labels)
    rows = np.stack([torch.cat([l32, g32]).numpy(), torch.cat([l64, g64]).numpy()]).astype(np.float32)
    np.save(os.path.join(OUT, name + ".npy"), rows)
    off = float(((g32 - g64).abs() > FRACTION_TOLERANCE * g64.abs().max()).double().mean())
    summary[name] = {"logitCount": l32.numel(), "gradCount": g32.numel(),
                     "logitsFloat32VsFloat64": rel_l2(l32, l64), "gradFloat32VsFloat64": rel_l2(g32, g64),
                     "gradFractionOffFloat32": off, "fractionTolerance": FRACTION_TOLERANCE}
    print(f"{name}: PyTorch float32 vs float64: logits {summary[name]['logitsFloat32VsFloat64']:.2e}, "
          f"gradient {summary[name]['gradFloat32VsFloat64']:.2e} (relative L2), {off:.2e} of entries off by > 1e-3")


def real_efficientnet(summary):
    from efficientnet_lite_pytorch import EfficientNet
    from PIL import Image
    weights = os.path.join(ROOT, "data", "efficientnet-lite0.pth")
    photo = os.path.join(ROOT, "data", "photos", "coffee.png")
    if not (os.path.exists(weights) and os.path.exists(photo)):
        print("data/ lacks the EfficientNet-Lite0 weights or coffee.png (run scripts/setup.sh); real-weights reference skipped")
        return
    with open(os.path.join(FIXTURES, "efficientnet-lite0-real.json")) as f:
        c = json.load(f)
    x0, y0, w, h = c["box"]
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    pixels = np.asarray(Image.open(photo).convert("RGB"))[y0:y0 + h, x0:x0 + w]
    x = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0)
    reference("efficientnet-lite0-real", model, ((x - 0.5) / 0.5).contiguous(), [c["label"]], summary)


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.set_num_threads(1)        # one summation order for the reference
    os.makedirs(OUT, exist_ok=True)
    fixtures = {f: json.load(open(os.path.join(FIXTURES, f + ".json"))) for f in ("models", "zoo")}
    summary = {}
    for name, (source, make) in pattern_models().items():
        c = fixtures[source][name]
        model = fill(make())
        reference(name, model, input_pattern(c["inputShape"], c["phase"]), c["labels"], summary)
    real_efficientnet(summary)
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
