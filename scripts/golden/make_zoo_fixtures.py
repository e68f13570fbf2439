"""Golden fixtures of the ImageNet model zoo (EfficientNet-Lite0, GoogLeNet, ViT) for the Swift tests:

    python scripts/golden/make_zoo_fixtures.py

Needs torch, torchvision and the reference EfficientNet-Lite code (`pip install --no-deps efficientnet-lite-pytorch==0.1.0`).
Weights are the closed-form `pattern` of make_fixtures.py, so no weights are stored. Writes
  Tests/IsthmusNNTests/Fixtures/zoo.json      logits, loss and input-gradient samples of each model (eval mode)
  Tests/IsthmusNNTests/Fixtures/efficientnet-lite0-checkpoint.json   (name, shape) of every entry of the official
                                              checkpoint, when data/efficientnet-lite0.pth is found (argument 1 or
                                              data/efficientnet-lite0.pth of this checkout, see scripts/setup.sh)
"""
import copy, json, os, sys
import torch
import torch.nn.functional as F
import torchvision
from efficientnet_lite_pytorch import EfficientNet

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import ROOT, L, fill, input_pattern, dump  # noqa: E402


_max_pool2d = F.max_pool2d


def pool_gap(x, kernel, stride, padding, ceil_mode):
    """Smallest gap between the largest and second-largest value of a max-pool window (exact ties excluded: they
    are zeros after a ReLU or copies of one element, where either choice gives the same gradient)."""
    k, s, p = (v if isinstance(v, int) else v[0] for v in (kernel, stride if stride else kernel, padding))
    d = x.detach()
    H, W = d.shape[-2:]
    P, Q = _max_pool2d(d, k, s, p, ceil_mode=ceil_mode).shape[-2:]
    extra_h, extra_w = max((P - 1) * s + k - H - 2 * p, 0), max((Q - 1) * s + k - W - 2 * p, 0)
    padded = F.pad(d, (p, p + extra_w, p, p + extra_h), value=float("-inf"))
    cols = F.unfold(padded, k, stride=s)                                    # [N, C*k*k, P*Q]
    top = cols.reshape(d.shape[0], d.shape[1], k * k, -1).topk(2, dim=2).values
    gap = top[:, :, 0] - top[:, :, 1]
    gap = gap[(gap > 0) & torch.isfinite(gap)]
    return gap.min().item() if gap.numel() else float("inf")


def relative_kink(model, x):
    """Smallest distance of a ReLU input to 0, a ReLU6 input to 0 or 6, or between the two largest values of a
    max-pool window, relative to that tensor's largest magnitude (float32 rounding of a conv output scales with
    its magnitude, so a closer input can flip a ReLU mask or a max-pool argmax between implementations)."""
    seen = []
    relu, hardtanh, max_pool2d = F.relu, F.hardtanh, F.max_pool2d

    def hook(t, *a, **k):
        d = t.detach()
        seen.append((d.abs().min() / d.abs().max()).item())
        return relu(t, *a, **k)

    def hook_ht(t, min_val=-1.0, max_val=1.0, inplace=False):
        d = t.detach()
        seen.append((torch.minimum((d - min_val).abs(), (d - max_val).abs()).min() / d.abs().max()).item())
        return hardtanh(t, min_val, max_val, inplace)

    def hook_pool(t, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        seen.append(pool_gap(t, kernel_size, stride, padding, ceil_mode) / t.detach().abs().max().item())
        return max_pool2d(t, kernel_size, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=return_indices)
    F.relu, F.hardtanh, F.max_pool2d = hook, hook_ht, hook_pool
    try:
        with torch.no_grad():
            model(x)
    finally:
        F.relu, F.hardtanh, F.max_pool2d = relu, hardtanh, max_pool2d
    return min(seen, default=float("inf"))


def input_grad(model, x, labels):
    x = x.clone().requires_grad_(True)
    F.cross_entropy(model(x), torch.tensor(labels)).backward()
    return x.grad.reshape(-1).double()


def f32_vs_f64(model, shape, phase, labels):
    """Largest |input gradient in float32 - in float64| relative to the largest |gradient|: how far rounding alone
    moves the reference (large when a kink flips)."""
    g32 = input_grad(model, input_pattern(shape, phase), labels)
    g64 = input_grad(copy.deepcopy(model).double(), input_pattern(shape, phase).double(), labels)
    return float((g32 - g64).abs().max() / g64.abs().max())


def best_phase(model, shape, labels, tries=100):
    """The phase in 0, 0.1, ..., 9.9 whose input stays farthest (relative) from every ReLU/ReLU6/max-pool kink, among
    those whose float32 input gradient agrees with float64 to 1e-5 (no kink flipped by rounding alone). With many
    activations (EfficientNet at 224) some input is always within ~1e-7 of a kink; the float64 check guards those."""
    scored = sorted(((relative_kink(model, input_pattern(shape, round(0.1 * k, 1))), round(0.1 * k, 1))
                     for k in range(tries)), key=lambda t: (t[0], -t[1]), reverse=True)
    for kink, phase in scored[:12]:
        if f32_vs_f64(model, shape, phase, labels) < 1e-5:
            return phase
    raise SystemExit("no well-conditioned input phase found")


def case(model, shape, labels):
    fill(model)
    phase = best_phase(model, shape, labels)
    kink = relative_kink(model, input_pattern(shape, phase))
    rounding = f32_vs_f64(model, shape, phase, labels)
    x = input_pattern(shape, phase).requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    g = x.grad.reshape(-1)
    idx = list(range(0, g.numel(), max(1, g.numel() // 97)))
    print(f"  phase {phase:.1f}, closest kink {kink:.2e} (relative), float32 vs float64 gradient {rounding:.1e}, |logits| max {logits.abs().max():.3g}, "
          f"|grad| max {g.abs().max():.3g}, nonzero grad {(g != 0).float().mean():.3f}")
    return {"inputShape": shape, "phase": phase, "closestKinkRelative": kink if kink != float("inf") else None,
            "gradFloat32VsFloat64": rounding, "labels": labels, "logits": L(logits),
            "loss": loss.item(), "gradIndex": idx, "gradAtIndex": [float(g[i]) for i in idx],
            "gradAbsSum": float(g.abs().sum()), "gradSum": float(g.sum()),
            "stateNames": list(model.state_dict().keys())}


def zoo():
    vit = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64,
                                               mlp_dim=128, num_classes=10)
    cases = [
        ("efficientnet-lite0", lambda: EfficientNet.from_name("efficientnet-lite0", num_classes=10), [1, 3, 224, 224], [3]),
        ("googlenet", lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False,
                                                           transform_input=True, num_classes=10), [1, 3, 64, 64], [3]),
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
    ckpt = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "efficientnet-lite0.pth")
    if os.path.exists(ckpt):
        dump(checkpoint_names(ckpt), os.path.join(fixtures, "efficientnet-lite0-checkpoint.json"))
