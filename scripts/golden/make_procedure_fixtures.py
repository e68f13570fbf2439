"""PyTorch runs of the paper's procedures on a small CNN with fixed weights, for Isthmus's procedure golden tests.

Written from the procedures of Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks" (ICLR 2025):
the bypass (Sec 3.2), the free bend of untrained networks (Sec 4.3), feature visualization by optimization with
best-iterate tracking (Sec 4.3) and the targeted attack with its early stop (Sec 4.2). Each procedure runs twice,
with 1 and with 2 PyTorch threads; the fixture records the first run and the largest relative trace difference
between the two (the spread that thread scheduling alone causes), and for the bypass the spread caused by one
rounding-only change (the projection coefficient in float64, as Isthmus computes it).

Usage (any Python with torch):  python scripts/golden/make_procedure_fixtures.py
Writes Tests/IsthmusLandscapeTests/Fixtures/procedures.json.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "IsthmusLandscapeTests", "Fixtures", "procedures.json")


class CNN(torch.nn.Module):
    """conv 1->4 (3x3, pad 1), ReLU, 2x2 max-pool, flatten, linear 64->3, on 1x8x8 inputs."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.fc = torch.nn.Linear(64, 3)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor([0.6 * math.sin(1.3 * i + 0.2) for i in range(36)]).reshape(4, 1, 3, 3))
            self.conv.bias.copy_(torch.tensor([0.1 * math.cos(i) for i in range(4)]))
            self.fc.weight.copy_(torch.tensor([0.4 * math.sin(0.37 * i + 1.1) for i in range(192)]).reshape(3, 64))
            self.fc.bias.copy_(torch.tensor([0.05 * i for i in range(3)]))

    def forward(self, x):
        return self.fc(torch.flatten(F.max_pool2d(F.relu(self.conv(x)), 2), 1))


def image(k):
    return torch.tensor([math.sin(0.9 * i * (k + 1) + k) + 0.5 * math.cos(0.31 * i + 2 * k) for i in range(64)],
                        dtype=torch.float32).reshape(1, 1, 8, 8)


def tv(z):
    """Sum over channels of |horizontal| + |vertical| neighbour differences, no normalization."""
    return (z[..., :, 1:] - z[..., :, :-1]).abs().sum() + (z[..., 1:, :] - z[..., :-1, :]).abs().sum()


def ce(model, x, y):
    return F.cross_entropy(model(x), torch.tensor([y]))


def anchored(model, x, y, anchor):
    """CE(f(x), y) and the objective CE + 0.1 mean((x - anchor)^2) + 1e-8 TV(x - anchor) (Sec 3.2 and 4.2)."""
    l = ce(model, x, y)
    return l, l + 0.1 * ((x - anchor) ** 2).mean() + 1e-8 * tv(x - anchor)


def segment(a, c, n):
    al = torch.linspace(0, 1, n).reshape(n, 1, 1, 1)
    return (1 - al) * a + al * c


def anchored_adam(model, anchor, y, steps, project=None, stop=None):
    """From x = anchor, Adam lr 0.005 on `anchored`. Each step: CE and the objective's gradient, `project` applied to
    the gradient, the Adam step; then `stop(i, CE)` may end the run (the stepped iterate is returned)."""
    x = anchor.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.005)
    trace = []
    for i in range(steps):
        opt.zero_grad()
        l, j = anchored(model, x, y, anchor)
        j.backward()
        if project:
            with torch.no_grad():
                project(x.grad)
        opt.step()
        trace.append(l.item())
        if stop and stop(i, l.item()):
            return x.detach(), trace, i + 1
    return x.detach(), trace, steps


def bypass(model, a, c, b, y, steps=1024, float64_projection=False):
    """Sec 3.2: from B, Adam lr 0.005 on CE + 0.1 mean((x-B)^2) + 1e-8 TV(x-B); the gradient projected off v = C - A.
    float64_projection computes the projection coefficient in float64 (a rounding-only change)."""
    v = c - a

    def project(g):
        if float64_projection:
            g -= ((g.double() * v.double()).sum() / (v.double() * v.double()).sum()).float() * v
        else:
            g -= (g * v).sum() / (v * v).sum() * v
    return anchored_adam(model, b, y, steps, project=project)


def free_bend(model, b, y, steps=4096, stop=5e-4):
    """Sec 4.3: CE only, Adam lr 0.05, weight decay 1e-7; step, then stop if that CE was < 5e-4 (stepped point)."""
    x = b.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.05, weight_decay=1e-7)
    trace = []
    for i in range(steps):
        opt.zero_grad()
        l = ce(model, x, y)
        l.backward()
        opt.step()
        trace.append(l.item())
        if l.item() < stop:
            return x.detach(), trace, i + 1
    return x.detach(), trace, steps


def fvo(model, x0, y, tv_weight, steps=8192, stop=5e-4):
    """Sec 4.3: Adam lr 0.05, wd 1e-7 on CE (+ tv TV(x)); after each step the CE is recomputed, the best kept."""
    x = x0.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.05, weight_decay=1e-7)
    trace, best, best_x, best_step = [], float("inf"), None, 0
    for step in range(1, steps + 1):
        opt.zero_grad()
        j = ce(model, x, y)
        if tv_weight:
            j = j + tv_weight * tv(x)
        j.backward()
        opt.step()
        with torch.no_grad():
            l = ce(model, x, y).item()
        trace.append(l)
        if l < best:
            best, best_x, best_step = l, x.detach().clone(), step
        if l < stop:
            break
    return best_x, trace, len(trace), best_step


def attack(model, k, t, threshold, steps=512, min_steps=32):
    """Sec 4.2 statistics: Adam lr 0.005 on CE(f(x), t) + 0.1 mean((x-K)^2) + 1e-8 TV(x-K); after step i, stop if
    i > 32 and that step's CE < L_t(A); the stepped iterate is returned."""
    return anchored_adam(model, k, t, steps, stop=lambda i, l: i > min_steps and l < threshold)


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def spread(u, v):
    n = min(len(u), len(v))
    return max([abs(a - b) / max(abs(b), 1e-30) for a, b in zip(u[:n], v[:n])] + [0.0])


def run_all(model, setup):
    a, c, y, b, x0, k, t, anchor = setup
    thr = ce(model, anchor, t).item()
    out = {}
    for name, f in [("bypass", lambda: bypass(model, a, c, b, y)), ("freeBend", lambda: free_bend(model, b, y)),
                    ("fvo", lambda: fvo(model, x0, y, 2.5e-7)), ("attack", lambda: attack(model, k, t, thr))]:
        r = f()
        out[name] = {"final": flat(r[0]), "trace": r[1], "iterations": r[2]}
        if name == "fvo":
            out[name]["bestIteration"] = r[3]
    out["attack"]["threshold"] = thr
    return out


def main():
    torch.manual_seed(0)
    model = CNN().eval()
    with torch.no_grad():
        preds = [model(image(i)).argmax(1).item() for i in range(40)]
    # The first within-class pair with a barrier on its 1000-point segment.
    setup = None
    for i in range(40):
        for j in range(i + 1, 40):
            if preds[i] != preds[j]:
                continue
            y = preds[i]
            with torch.no_grad():
                pts = segment(image(i), image(j), 1000)
                losses = F.cross_entropy(model(pts), torch.full((1000,), y), reduction="none")
            gap = losses.max().item() - max(losses[0].item(), losses[-1].item())
            if gap > 0.5 and setup is None:
                idx = int(torch.argmax(losses).item())
                setup = (i, j, y, idx, losses)
    i, j, y, idx, losses = setup
    a, c = image(i), image(j)
    b = segment(a, c, 1000)[idx:idx + 1].clone()
    x0 = 0.01 * torch.randn(1, 1, 8, 8)
    # The attack: carrier K of another class toward t = y, paired with the real image A (threshold L_t(A)).
    # The attack toward t = y from the first carrier of another class. The paired real image A is the first
    # scaled test input s * image(n) of class t whose L_t(A) makes the early stop fire well after step 33 (the
    # trace without a threshold fixes the step at which any threshold fires).
    t = y
    carrier = next(n for n in range(40) if preds[n] != t)
    free_trace = attack(model, image(carrier), t, -1.0)[1]
    def stop_step(thr):
        return next((i + 1 for i in range(33, len(free_trace)) if free_trace[i] < thr), None)
    anchor = next(s * image(n) for s in (1, 2, 3, 4, 6, 8) for n in range(40)
                  if preds[n] == t and 64 <= (stop_step(ce(model, s * image(n), t).item()) or 0) <= 400)
    # The bypass again with one rounding-only change (Isthmus accumulates the projection's dot product in float64):
    # how far float32 rounding alone moves its trace through Adam's amplification of tiny gradients.
    torch.set_num_threads(1)
    rounded = bypass(model, a, c, b, y, float64_projection=True)
    runs = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        runs[threads] = run_all(model, (a, c, y, b, x0, image(carrier), t, anchor))
    fixture = {
        "torch": torch.__version__,
        "model": {"conv.weight": flat(model.conv.weight), "conv.bias": flat(model.conv.bias),
                  "fc.weight": flat(model.fc.weight), "fc.bias": flat(model.fc.bias)},
        "a": flat(a), "c": flat(c), "classIndex": y, "segmentPoints": 1000, "barrierIndex": idx,
        "primaryLosses": [float(v) for v in losses.tolist()], "b": flat(b), "x0": flat(x0),
        "carrier": flat(image(carrier)), "anchor": flat(anchor), "target": t,
        "procedures": runs[1],
        "threadSpread": {k: spread(runs[1][k]["trace"], runs[2][k]["trace"]) for k in runs[1]},
        "threadIterationsEqual": {k: runs[1][k]["iterations"] == runs[2][k]["iterations"] for k in runs[1]},
        "roundingSpread": {"bypass": {"trace": spread(rounded[1], runs[1]["bypass"]["trace"]),
                                      "final": max(abs(u - v) for u, v in zip(flat(rounded[0]), runs[1]["bypass"]["final"]))
                                      / max(abs(v) for v in runs[1]["bypass"]["final"])}},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    for k, v in runs[1].items():
        print(k, "iterations", v["iterations"], "first/last CE", v["trace"][0], v["trace"][-1], "thread spread", fixture["threadSpread"][k])
    print("rounding spread", fixture["roundingSpread"])
    print("pair", i, j, "class", y, "barrier index", idx, "carrier", carrier)


if __name__ == "__main__":
    main()
