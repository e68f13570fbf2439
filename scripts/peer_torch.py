"""The PyTorch side of `isthmus bench`: the paper's workloads written the way its procedures run them in PyTorch,
timed the same way (median of repetitions after 2 warm-ups). Usage:

    python scripts/peer_torch.py [--threads 2] [--quick] [--only NAME] [--out peer.json]

Needs torch and torchvision; the EfficientNet-Lite0 rows also need `pip install --no-deps
efficientnet-lite-pytorch==0.1.0` (they are skipped, saying so, without it). Weights are random (the timings do not
depend on them); every model is frozen and in eval mode except for the training step.

Workloads (the same names as `isthmus bench`):
  sweep-*          cross-entropy of class 0 at N evenly spaced points of the segment a -> c, in batches of 64, the
                   points built one by one as the paper's code does (the loss barrier of Sec 3.1)
  bypass-*         one step of the bypass (Sec 3.2): J(x) = CE(f(x), y) + 0.1 mean((x - B)^2) + 1e-8 TV(x - B) at
                   batch 1, its gradient projected orthogonally to v = c - a, one Adam step (lr 0.005)
  attack-mnist-cnn one step of the paper's targeted attack (Sec 4.2): the same J without the projection
  fvo-*            one step of feature visualization (Adam lr 0.05, weight decay 1e-7, from 0.01 N(0, I)), then
                   the CE recomputed to keep the best iterate
  train-mnist-cnn-b64  one Adam step (lr 1e-3) of training on a batch of 64
"""
import argparse, json, os, statistics, sys, time
import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
from torch_models import MnistCNN, ResNet18Cifar  # noqa: E402


def tv(t):
    """Anisotropic total variation: sum of |horizontal| and |vertical| neighbour differences, unnormalized."""
    return (t[..., :, 1:] - t[..., :, :-1]).abs().sum() + (t[..., 1:, :] - t[..., :-1, :]).abs().sum()


def frozen(model):
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def median_ms(fn, reps, warm=2):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def sweep(model, a, c, points, batch=64):
    label = torch.tensor([0])

    def run():
        alphas = torch.linspace(0, 1, points)
        xs = torch.stack([(1 - t) * a + t * c for t in alphas])
        with torch.no_grad():
            for i in range(0, points, batch):
                chunk = xs[i:i + batch]
                F.cross_entropy(model(chunk), label.expand(len(chunk)), reduction="none")
    return run


def input_optimizer(model, start, target, penalty, lr=0.005):
    """x = start (batch 1) under Adam; each call of the returned step computes CE + penalty(x, start) and its gradient."""
    x = start.clone().unsqueeze(0).requires_grad_(True)
    anchor = start.clone().unsqueeze(0)
    opt = torch.optim.Adam([x], lr=lr)
    label = torch.tensor([target])

    def gradient():
        opt.zero_grad()
        (F.cross_entropy(model(x), label) + penalty(x, anchor)).backward()
    return x, opt, gradient


def anchored(x, anchor):
    return 0.1 * ((x - anchor) ** 2).mean() + 1e-8 * tv(x - anchor)


def bypass_step(model, a, c, b, target):
    v = (c - a).flatten()
    x, opt, gradient = input_optimizer(model, b, target, anchored)

    def run():
        gradient()
        g = x.grad.flatten()
        x.grad -= (torch.dot(g, v) / torch.dot(v, v)) * v.view_as(x.grad)
        opt.step()
    return run


def attack_step(model, source, target):
    _, opt, gradient = input_optimizer(model, source, target, anchored)

    def run():
        gradient()
        opt.step()
    return run


def fvo_step(model, shape, target):
    x = (torch.randn((1,) + shape) * 0.01).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.05, weight_decay=1e-7)
    label = torch.tensor([target])

    def run():
        opt.zero_grad()
        F.cross_entropy(model(x), label).backward()
        opt.step()
        with torch.no_grad():
            F.cross_entropy(model(x), label).item()
    return run


def train_step(model, shape, batch=64):
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xb, yb = torch.randn((batch,) + shape), torch.randint(0, 10, (batch,))

    def run():
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
    return run


def workloads(quick):
    q = quick
    mnist, cifar = frozen(MnistCNN()), frozen(ResNet18Cifar())
    untrained = frozen(torchvision.models.resnet18(weights=None, num_classes=10))
    m1, c3, i3 = (1, 28, 28), (3, 32, 32), (3, 224, 224)
    a1, b1 = torch.rand(m1), torch.rand(m1)
    a3, b3 = torch.randn(c3), torch.randn(c3)
    ia, ib = torch.randn(i3), torch.randn(i3)
    work = {
        "sweep-mnist-cnn-1000": (lambda: sweep(mnist, a1, b1, 1000), 3 if q else 7, "ms per 1000-point sweep"),
        "sweep-resnet18-cifar-1000": (lambda: sweep(cifar, a3, b3, 1000), 1 if q else 3, "ms per 1000-point sweep"),
        "bypass-mnist-cnn": (lambda: bypass_step(mnist, a1, b1, (a1 + b1) / 2, 3), 20 if q else 100, "ms per iteration"),
        "bypass-resnet18-cifar": (lambda: bypass_step(cifar, a3, b3, (a3 + b3) / 2, 3), 5 if q else 20, "ms per iteration"),
        "attack-mnist-cnn": (lambda: attack_step(mnist, a1, 3), 20 if q else 100, "ms per iteration"),
        "fvo-resnet18-untrained": (lambda: fvo_step(untrained, c3, 1), 5 if q else 30, "ms per iteration"),
        "fvo-resnet18-cifar": (lambda: fvo_step(cifar, c3, 1), 5 if q else 20, "ms per iteration"),
        "train-mnist-cnn-b64": (lambda: train_step(MnistCNN(), m1), 5 if q else 30, "ms per batch of 64"),
    }
    try:
        from efficientnet_lite_pytorch import EfficientNet
        lite = frozen(EfficientNet.from_name("efficientnet-lite0"))
        work["sweep-efficientnet-lite0-250"] = (lambda: sweep(lite, ia, ib, 250), 1 if q else 3, "ms per 250-point sweep")
        work["bypass-efficientnet-lite0"] = (lambda: bypass_step(lite, ia, ib, (ia + ib) / 2, 967), 5 if q else 20,
                                             "ms per iteration")
    except ImportError:
        print("(efficientnet-lite-pytorch is not installed: the EfficientNet-Lite0 rows are skipped)", flush=True)
    googlenet = frozen(torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True))
    work["sweep-googlenet-1000"] = (lambda: sweep(googlenet, ia, ib, 1000), 1 if q else 3, "ms per 1000-point sweep")
    work["bypass-googlenet"] = (lambda: bypass_step(googlenet, ia, ib, (ia + ib) / 2, 967), 5 if q else 20,
                                "ms per iteration")
    return work


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    res = {}
    for name, (make, reps, unit) in workloads(args.quick).items():
        if args.only and args.only not in name:
            continue
        res[name] = {"ms": round(median_ms(make(), reps), 3), "unit": unit}
        print(f"{name:32s} {res[name]['ms']:10.2f} {unit}", flush=True)
    res["_meta"] = {"torch": torch.__version__, "threads": args.threads,
                    "cpuCapability": torch.backends.cpu.get_cpu_capability()}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
