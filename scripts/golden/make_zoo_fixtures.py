"""Golden fixtures of the ImageNet model zoo (EfficientNet-Lite0, GoogLeNet, ViT) for the Swift tests:

    /work/venv-torch/bin/python scripts/golden/make_zoo_fixtures.py

Needs torch, torchvision and the reference EfficientNet-Lite code (`pip install --no-deps efficientnet-lite-pytorch==0.1.0`).
Weights are the closed-form `pattern` of make_fixtures.py, so no weights are stored. Writes
  Tests/IsthmusNNTests/Fixtures/zoo.json      logits, loss and input-gradient samples of each model (eval mode)
  Tests/IsthmusNNTests/Fixtures/efficientnet-lite0-checkpoint.json   (name, shape) of every entry of the official
                                              checkpoint, when data/efficientnet-lite0.pth is found (argument 1 or
                                              ../main/data/efficientnet-lite0.pth)
"""
import json, os, sys
import torch
import torch.nn.functional as F
import torchvision
from efficientnet_lite_pytorch import EfficientNet

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import ROOT, L, fill, input_pattern, closest_kink, dump  # noqa: E402


def best_phase(model, shape, tries=40):
    """The phase in 0, 0.1, ... whose input stays farthest from every ReLU/ReLU6 kink (first one past 1.5e-6)."""
    best = (-1.0, 0.0)
    for step in range(tries):
        phase = 0.1 * step
        d = closest_kink(model, input_pattern(shape, phase))
        if d > 1.5e-6:
            return phase, d
        best = max(best, (d, phase))
    return best[1], best[0]


def case(model, shape, labels):
    fill(model)
    phase, kink = best_phase(model, shape)
    x = input_pattern(shape, phase).requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    g = x.grad.reshape(-1)
    idx = list(range(0, g.numel(), max(1, g.numel() // 97)))
    print(f"  phase {phase:.1f}, closest kink {kink:.2e}, |logits| max {logits.abs().max():.3g}, "
          f"|grad| max {g.abs().max():.3g}, nonzero grad {(g != 0).float().mean():.3f}")
    return {"inputShape": shape, "phase": phase, "closestKink": kink if kink != float("inf") else None, "labels": labels, "logits": L(logits),
            "loss": loss.item(), "gradIndex": idx, "gradAtIndex": [float(g[i]) for i in idx],
            "gradAbsSum": float(g.abs().sum()), "gradSum": float(g.sum()),
            "stateNames": list(model.state_dict().keys())}


def zoo():
    vit = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64,
                                               mlp_dim=128, num_classes=10)
    cases = [
        ("efficientnet-lite0", lambda: EfficientNet.from_name("efficientnet-lite0", num_classes=10), [1, 3, 224, 224], [3]),
        ("googlenet", lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False,
                                                           transform_input=True, num_classes=10), [2, 3, 64, 64], [3, 7]),
        ("vit-tiny", lambda: vit, [2, 3, 32, 32], [3, 7]),
    ]
    res = {}
    for name, make, shape, labels in cases:
        print(name)
        res[name] = case(make(), shape, labels)
    return res


def checkpoint_names(path):
    sd = torch.load(path, map_location="cpu", weights_only=True)
    return [[k, list(v.shape)] for k, v in sd.items()]


if __name__ == "__main__":
    torch.manual_seed(0)
    fixtures = os.path.join(ROOT, "Tests/IsthmusNNTests/Fixtures")
    dump(zoo(), os.path.join(fixtures, "zoo.json"))
    ckpt = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "main", "data", "efficientnet-lite0.pth")
    if os.path.exists(ckpt):
        dump(checkpoint_names(ckpt), os.path.join(fixtures, "efficientnet-lite0-checkpoint.json"))
