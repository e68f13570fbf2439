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
  connectivity-efficientnet-8pairs  a whole connectivity run, the paper's way (pair by pair, batch 1): 8 within-class
                   pairs of synthetic 224x224 images (4 classes x 4, uniform pixels, normalized (x - 0.5) / 0.5); per
                   pair the primary sweep, its barrier point B (first argmax), one bypass of B (the bypass step above,
                   no early stop), and the two segments A->B' and B'->C. --quick: 32 steps, 32 + 2 x 16 points;
                   full: 256 steps, 250 + 2 x 125 points
  barriers-mnist-64pairs  a whole barrier-statistics run pair by pair: 32 within-class and 32 real-adversarial pairs
                   of synthetic 28x28 images (10 classes x 8, MNIST normalization); an adversarial pair first attacks
                   a carrier of another class toward y (Sec 4.2 statistics: at most 512 Adam steps, lr 0.005,
                   lambda 1e-8; the step whose CE was < L_y(A) ends it once more than 32 steps are done, and the
                   stepped point is used); then the 250-point segment, one bypass of its barrier point, the two
                   250-point segments and the logits of C. Bypass steps: --quick 256, full 1024 (the paper's)
The whole-run rows are timed once, without warm-up (as `isthmus bench`, which also runs them batched).
"""
import argparse, json, os, random, statistics, sys, time
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


def segment_losses(model, a, c, points, label=0, batch=64):
    """CE of class `label` at `points` evenly spaced points of a -> c (both ends), built one by one, in batches."""
    alphas = torch.linspace(0, 1, points)
    xs = torch.stack([(1 - t) * a + t * c for t in alphas])
    labels = torch.tensor([label])
    with torch.no_grad():
        return torch.cat([F.cross_entropy(model(xs[i:i + batch]), labels.expand(len(xs[i:i + batch])), reduction="none")
                          for i in range(0, points, batch)])


def sweep(model, a, c, points, batch=64):
    return lambda: segment_losses(model, a, c, points, 0, batch)


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


def bypass_stepper(model, a, c, b, target):
    """The bypass of B on a -> c: x (from B) and one step (gradient of J projected off v = c - a, then Adam)."""
    v = (c - a).flatten()
    x, opt, gradient = input_optimizer(model, b, target, anchored)

    def run():
        gradient()
        g = x.grad.flatten()
        x.grad -= (torch.dot(g, v) / torch.dot(v, v)) * v.view_as(x.grad)
        opt.step()
    return x, run


def bypass_step(model, a, c, b, target):
    return bypass_stepper(model, a, c, b, target)[1]


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


def synthetic(classes, per_class, shape, mean, std, seed=0):
    """Seeded synthetic labelled images: uniform pixels, normalized; labels 0..classes-1 in blocks of per_class."""
    g = torch.Generator().manual_seed(seed)
    x = (torch.rand((classes * per_class,) + shape, generator=g) - mean) / std
    return x, [i // per_class for i in range(classes * per_class)]


def bend(model, a, c, points, steps, label):
    """Barrier point B of the `points`-point segment a -> c and its bypass B' after `steps` steps: (losses, B')."""
    losses = segment_losses(model, a, c, points, label)
    t = torch.linspace(0, 1, points)[int(torch.argmax(losses))]
    x, step = bypass_stepper(model, a, c, (1 - t) * a + t * c, label)
    for _ in range(steps):
        step()
    return losses, x.detach()[0]


def path_through(model, a, c, points, segment, steps, label):
    """Primary sweep, bypass, and the two segments of a -> B' -> c."""
    losses, b = bend(model, a, c, points, steps, label)
    return losses, segment_losses(model, a, b, segment, label), segment_losses(model, b, c, segment, label)


def within_pairs(labels, count, rng):
    by = {}
    for i, y in enumerate(labels):
        by.setdefault(y, []).append(i)
    out = []
    for _ in range(count):
        y = rng.choice(sorted(by))
        i, j = rng.sample(by[y], 2)
        out.append((y, i, j))
    return out, by


def connectivity_run(model, quick, work):
    """8 within-class pairs one by one (see the module doc)."""
    steps, points, segment = (32, 32, 16) if quick else (256, 250, 125)
    x, labels = synthetic(4, 4, (3, 224, 224), 0.5, 0.5)
    pairs, _ = within_pairs(labels, 8, random.Random(0))

    def run():
        for y, i, j in pairs:
            path_through(model, x[i], x[j], points, segment, steps, y)
            work["bypassSteps"] += steps
    return run


def paper_attack(model, carrier, target, threshold, steps=512, min_steps=32):
    """Sec 4.2 statistics attack from `carrier` toward `target`; returns (x, Adam steps taken)."""
    x, opt, gradient = input_optimizer(model, carrier, target, anchored)
    label = torch.tensor([target])
    for i in range(steps):
        opt.zero_grad()
        ce = F.cross_entropy(model(x), label)
        (ce + anchored(x, carrier.unsqueeze(0))).backward()
        opt.step()
        if i > min_steps and ce.item() < threshold:
            return x.detach()[0], i + 1
    return x.detach()[0], steps


def barriers_run(model, quick, work):
    """32 within-class and 32 real-adversarial pairs one by one (see the module doc)."""
    steps, points = (256 if quick else 1024), 250
    x, labels = synthetic(10, 8, (1, 28, 28), 0.1307, 0.3081)
    rng = random.Random(0)
    within, by = within_pairs(labels, 32, rng)
    adversarial = []
    for _ in range(32):
        y = rng.choice(sorted(by))
        other = rng.choice([k for k in sorted(by) if k != y])
        adversarial.append((y, rng.choice(by[y]), rng.choice(by[other])))

    def run():
        for group, pairs in (("within", within), ("adversarial", adversarial)):
            for y, i, j in pairs:
                a, c = x[i], x[j]
                if group == "adversarial":
                    with torch.no_grad():
                        threshold = F.cross_entropy(model(a.unsqueeze(0)), torch.tensor([y])).item()
                    c, taken = paper_attack(model, c, y, threshold)
                    work["attackSteps"] += taken
                path_through(model, a, c, points, points, steps, y)
                work["bypassSteps"] += steps
                with torch.no_grad():
                    model(c.unsqueeze(0))
    return run


def models():
    """The random-weight networks of the workloads (torch.manual_seed(0) first), built once, frozen in eval mode."""
    out = {"mnist-cnn": frozen(MnistCNN()), "resnet18-cifar": frozen(ResNet18Cifar()),
           "resnet18": frozen(torchvision.models.resnet18(weights=None, num_classes=10))}
    try:
        from efficientnet_lite_pytorch import EfficientNet
        out["efficientnet-lite0"] = frozen(EfficientNet.from_name("efficientnet-lite0"))
    except ImportError:
        print("(efficientnet-lite-pytorch is not installed: the EfficientNet-Lite0 rows are skipped)", flush=True)
    out["googlenet"] = frozen(torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True))
    return out


def inputs():
    m1, c3, i3 = (1, 28, 28), (3, 32, 32), (3, 224, 224)
    return {"mnist-cnn": (torch.rand(m1), torch.rand(m1)), "cifar": (torch.randn(c3), torch.randn(c3)),
            "imagenet": (torch.randn(i3), torch.randn(i3))}


def sweep_cases(quick, nets, x):
    """name -> (model, a, c, points, reps, unit) of every sweep workload (scripts/peer_onnx.py --sweeps times them in
    onnxruntime)."""
    q = quick
    cases = {"sweep-mnist-cnn-1000": ("mnist-cnn", "mnist-cnn", 1000, 3 if q else 7),
             "sweep-resnet18-cifar-1000": ("resnet18-cifar", "cifar", 1000, 1 if q else 3),
             "sweep-efficientnet-lite0-250": ("efficientnet-lite0", "imagenet", 250, 1 if q else 3),
             "sweep-googlenet-1000": ("googlenet", "imagenet", 1000, 1 if q else 3)}
    return {name: (nets[m], *x[d], points, reps, f"ms per {points}-point sweep")
            for name, (m, d, points, reps) in cases.items() if m in nets}


def workloads(quick, work):
    """name -> (make, reps, unit, warm-ups); the whole-run rows add their Adam steps to work[name]."""
    q = quick
    nets, x = models(), inputs()
    (a1, b1), (a3, b3), (ia, ib) = x["mnist-cnn"], x["cifar"], x["imagenet"]
    mnist, cifar, untrained = nets["mnist-cnn"], nets["resnet18-cifar"], nets["resnet18"]
    sweeps = {name: (lambda m=m, a=a, c=c, n=n: sweep(m, a, c, n), reps, unit, 2)
              for name, (m, a, c, n, reps, unit) in sweep_cases(quick, nets, x).items()}
    work_ = {
        "bypass-mnist-cnn": (lambda: bypass_step(mnist, a1, b1, (a1 + b1) / 2, 3), 20 if q else 100, "ms per iteration"),
        "bypass-resnet18-cifar": (lambda: bypass_step(cifar, a3, b3, (a3 + b3) / 2, 3), 5 if q else 20, "ms per iteration"),
        "attack-mnist-cnn": (lambda: attack_step(mnist, a1, 3), 20 if q else 100, "ms per iteration"),
        "fvo-resnet18-untrained": (lambda: fvo_step(untrained, (3, 32, 32), 1), 5 if q else 30, "ms per iteration"),
        "fvo-resnet18-cifar": (lambda: fvo_step(cifar, (3, 32, 32), 1), 5 if q else 20, "ms per iteration"),
        "train-mnist-cnn-b64": (lambda: train_step(MnistCNN(), (1, 28, 28)), 5 if q else 30, "ms per batch of 64"),
    }
    out = {k: sweeps[k] for k in ("sweep-mnist-cnn-1000", "sweep-resnet18-cifar-1000")}
    out.update({k: v + (2,) for k, v in work_.items()})
    for name in ("efficientnet-lite0", "googlenet"):
        if name not in nets:
            continue
        out.update({k: v for k, v in sweeps.items() if name in k})
        out[f"bypass-{name}"] = (lambda m=nets[name]: bypass_step(m, ia, ib, (ia + ib) / 2, 967), 5 if q else 20,
                                 "ms per iteration", 2)
    for name, pairs, net, run in (("connectivity-efficientnet-8pairs", 8, "efficientnet-lite0", connectivity_run),
                                  ("barriers-mnist-64pairs", 64, "mnist-cnn", barriers_run)):
        if net in nets:
            work[name] = {"attackSteps": 0, "bypassSteps": 0}
            out[name] = (lambda m=nets[net], r=run, w=work[name]: r(m, quick, w), 1, f"ms per run of {pairs} pairs, batch 1", 0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    res, work = {}, {}
    for name, (make, reps, unit, warm) in workloads(args.quick, work).items():
        if args.only and args.only not in name:
            continue
        res[name] = {"ms": round(median_ms(make(), reps, warm), 3), "unit": unit}
        if name in work:
            res[name]["adamSteps"] = work[name]
        print(f"{name:32s} {res[name]['ms']:10.2f} {unit}" + (f" ({work[name]})" if name in work else ""), flush=True)
    res["_meta"] = {"torch": torch.__version__, "threads": args.threads,
                    "cpuCapability": torch.backends.cpu.get_cpu_capability()}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
