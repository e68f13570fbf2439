"""Writes the PyTorch golden fixtures of the Swift tests (run with a Python that has torch + torchvision):

    python scripts/golden/make_fixtures.py

Outputs (small JSON files, committed):
  Tests/IsthmusCoreTests/Fixtures/ops.json      conv2d (stride 2, pad 1), max/avg pool, BN eval/train, layer norm, GELU,
                                                cross-entropy
  Tests/IsthmusNNTests/Fixtures/optimizers.json Adam's and SGD-momentum's first 5 steps
  Tests/IsthmusNNTests/Fixtures/models.json     logits and input gradients of mnist-cnn, resnet18-cifar, resnet18
                                                with deterministic closed-form weights (see `pattern`), so no weights are stored.
Gradients are of sum(out * probe) with a fixed random probe, so every output element matters.
"""
import json, math, os, sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

torch.manual_seed(0)
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def L(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def T(t):
    return {"shape": list(t.shape), "data": L(t)}


def grads_of(fn, inputs):
    for t in inputs:
        t.requires_grad_(True)
        t.grad = None
    out = fn(*inputs)
    probe = torch.randn(out.shape)
    (out * probe).sum().backward()
    return out, probe, [t.grad for t in inputs]


def ops():
    res = {}
    x, w, b = torch.randn(2, 3, 9, 8), torch.randn(5, 3, 3, 3), torch.randn(5)
    out, probe, (dx, dw, db) = grads_of(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [x, w, b])
    res["conv2d_s2p1"] = {"x": T(x), "w": T(w), "b": T(b), "out": T(out), "probe": T(probe), "dx": T(dx), "dw": T(dw), "db": T(db)}

    x = torch.randn(2, 3, 9, 8)
    out, probe, (dx,) = grads_of(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), [x])
    res["maxpool_k3s2p1_ceil"] = {"x": T(x), "out": T(out), "probe": T(probe), "dx": T(dx)}
    x = torch.randn(2, 3, 9, 8)
    out, probe, (dx,) = grads_of(lambda x: F.max_pool2d(x, 2), [x])
    res["maxpool_k2"] = {"x": T(x), "out": T(out), "probe": T(probe), "dx": T(dx)}
    x = torch.randn(2, 3, 9, 8)
    out, probe, (dx,) = grads_of(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=True), [x])
    res["avgpool_k3s2p1_ceil"] = {"x": T(x), "out": T(out), "probe": T(probe), "dx": T(dx)}
    x = torch.randn(2, 3, 9, 8)
    out, probe, (dx,) = grads_of(lambda x: F.adaptive_avg_pool2d(x, (4, 3)), [x])
    res["adaptive_avgpool_4x3"] = {"x": T(x), "out": T(out), "probe": T(probe), "dx": T(dx)}

    for mode in ["eval", "train"]:
        x, g, bb = torch.randn(4, 3, 5, 5) * 2 + 1, torch.randn(3), torch.randn(3)
        rm, rv = torch.randn(3) * 0.3, torch.rand(3) + 0.5
        rm0, rv0 = rm.clone(), rv.clone()
        out, probe, (dx, dg, dbb) = grads_of(
            lambda x, g, bb: F.batch_norm(x, rm, rv, g, bb, training=(mode == "train"), momentum=0.1, eps=1e-5), [x, g, bb])
        res["batchnorm_" + mode] = {"x": T(x), "weight": T(g), "bias": T(bb), "running_mean": T(rm0), "running_var": T(rv0),
                                    "out": T(out), "probe": T(probe), "dx": T(dx), "dweight": T(dg), "dbias": T(dbb),
                                    "running_mean_after": T(rm), "running_var_after": T(rv)}

    x, g, bb = torch.randn(3, 7), torch.randn(7), torch.randn(7)
    out, probe, (dx, dg, dbb) = grads_of(lambda x, g, bb: F.layer_norm(x, (7,), g, bb, 1e-5), [x, g, bb])
    res["layernorm"] = {"x": T(x), "weight": T(g), "bias": T(bb), "out": T(out), "probe": T(probe), "dx": T(dx),
                        "dweight": T(dg), "dbias": T(dbb)}
    x = torch.randn(20) * 3
    out, probe, (dx,) = grads_of(lambda x: F.gelu(x), [x])
    res["gelu"] = {"x": T(x), "out": T(out), "probe": T(probe), "dx": T(dx)}
    logits = torch.randn(4, 6) * 3
    logits.requires_grad_(True)
    loss = F.cross_entropy(logits, torch.tensor([0, 5, 2, 2]))
    loss.backward()
    res["cross_entropy"] = {"logits": T(logits), "labels": [0, 5, 2, 2], "loss": float(loss), "dlogits": T(logits.grad)}

    return res


def optimizers():
    res = {}
    # Optimizers: minimize sum((W a - y)^2) for 5 steps, record W after each step.
    a, y, w0 = torch.randn(4, 5), torch.randn(3, 5), torch.randn(3, 4)
    for name, make in [("adam", lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)),
                       ("sgd", lambda p: torch.optim.SGD([p], lr=0.01, momentum=0.9, weight_decay=0.01))]:
        W = w0.clone().requires_grad_(True)
        opt = make(W)
        steps = []
        for _ in range(5):
            opt.zero_grad()
            ((W @ a - y) ** 2).sum().backward()
            opt.step()
            steps.append(L(W))
        res[name] = {"a": T(a), "y": T(y), "w0": T(w0), "steps": steps}
    return res


def is_layer_norm(name):
    """LayerNorm entries of the ViT (`ln`, `ln_1`, `ln_2`): filled like BatchNorm affine parameters."""
    return any(part == "ln" or part.startswith("ln_") for part in name.split("."))


def pattern(shape, k, name):
    """Deterministic closed-form values for state-dict entry number k (same formula in the Swift tests)."""
    n = 1
    for s in shape:
        n *= s
    i = torch.arange(n, dtype=torch.float64)
    s = torch.sin(0.37 * i + 1.3 * k)
    if name.endswith("running_var"):
        v = 0.5 + s * s
    elif name.endswith("running_mean"):
        v = 0.1 * s
    elif name.endswith("num_batches_tracked"):
        return torch.zeros(shape, dtype=torch.long)
    elif len(shape) == 1 and ("bn" in name or "shortcut.1" in name or "downsample.1" in name or is_layer_norm(name)):
        v = (1.0 + 0.2 * s) if name.endswith("weight") else 0.1 * s
    elif len(shape) == 1:
        v = 0.1 * s
    else:
        fan_in = n // shape[0]
        v = s * math.sqrt(6.0 / fan_in)
    return v.to(torch.float32).reshape(shape)


def fill(model):
    sd = model.state_dict()
    new = {}
    for k, (name, t) in enumerate(sd.items()):
        new[name] = pattern(list(t.shape), k, name)
    model.load_state_dict(new)
    return model.eval()


def input_pattern(shape, phase=0.0):
    n = 1
    for s in shape:
        n *= s
    i = torch.arange(n, dtype=torch.float64)
    return (torch.sin(0.7 * i + phase) + 0.5 * torch.cos(0.13 * i)).to(torch.float32).reshape(shape)


def closest_kink(model, x):
    """Smallest distance of any ReLU input to 0, or ReLU6 (hardtanh) input to its bounds: inputs this close to a kink
    flip under float rounding."""
    seen = []
    relu, hardtanh = F.relu, F.hardtanh

    def hook(t, *a, **k):
        seen.append(t.detach().abs().min().item())
        return relu(t, *a, **k)

    def hook_ht(t, min_val=-1.0, max_val=1.0, inplace=False):
        d = t.detach()
        seen.append(torch.minimum((d - min_val).abs(), (d - max_val).abs()).min().item())
        return hardtanh(t, min_val, max_val, inplace)
    F.relu, F.hardtanh = hook, hook_ht
    try:
        with torch.no_grad():
            model(x)
    finally:
        F.relu, F.hardtanh = relu, hardtanh
    return min(seen, default=float("inf"))


def kink_free_phase(model, shape):
    """First phase 0, 0.1, 0.2, ... whose input keeps every ReLU input at least 1.5e-6 from its kink."""
    for step in range(100):
        phase = 0.1 * step
        if closest_kink(model, input_pattern(shape, phase)) > 1.5e-6:
            return phase
    raise SystemExit("no kink-free input phase found")


def models():
    from torch_models import MnistCNN, ResNet18Cifar
    cases = [("mnist-cnn", MnistCNN(), [2, 1, 28, 28], True),
             ("resnet18-cifar", ResNet18Cifar(10), [2, 3, 32, 32], True),
             ("resnet18", torchvision.models.resnet18(weights=None, num_classes=10), [2, 3, 64, 64], False)]
    res = {}
    for name, model, shape, full in cases:
        fill(model)
        phase = kink_free_phase(model, shape)
        x = input_pattern(shape, phase).requires_grad_(True)
        logits = model(x)
        loss = F.cross_entropy(logits, torch.tensor([3, 7]))
        loss.backward()
        g = x.grad.reshape(-1)
        idx = list(range(0, g.numel(), max(1, g.numel() // 97)))
        res[name] = {"inputShape": shape, "phase": phase, "labels": [3, 7], "logits": L(logits), "loss": float(loss),
                     "gradIndex": idx, "gradAtIndex": [float(g[i]) for i in idx],
                     "gradAbsSum": float(g.abs().sum()), "gradSum": float(g.sum()),
                     "stateNames": list(model.state_dict().keys())}
    return res


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    dump(ops(), os.path.join(ROOT, "Tests/IsthmusCoreTests/Fixtures/ops.json"))
    dump(optimizers(), os.path.join(ROOT, "Tests/IsthmusNNTests/Fixtures/optimizers.json"))
    dump(models(), os.path.join(ROOT, "Tests/IsthmusNNTests/Fixtures/models.json"))
