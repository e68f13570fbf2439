"""Peers of `isthmus _onnx-vs-native` for the full-size exports of scripts/golden/make_onnx_fixtures.py --full:
a 250-point sweep (batch 64, per-point cross-entropy) in onnxruntime and in PyTorch, and one bypass step (Adam on the
input, gradient projected off C - A) in PyTorch, timed as scripts/peer_torch.py times its workloads (its
sweep and bypass_step). Needs torch, torchvision, onnxruntime (a benchmark-only venv). Usage:

    python scripts/peer_onnx.py [--threads 2] [--model resnet18|efficientnet-lite0] [--reps 3] [--out peer.json]

--out writes {"onnxruntime": {"sweepMs"}, "pytorch": {"sweepMs", "bypassMs"}, "_meta": {...}} (read by
scripts/bench-vs-torch.sh --onnx).
"""
import argparse, json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import peer_torch as peer  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--model", default="resnet18")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--out", default="")
args = ap.parse_args()
torch.set_num_threads(args.threads)
n = 3 * 224 * 224
a = torch.from_numpy(np.sin(0.37 * np.arange(n) + 0.5).astype(np.float32).reshape(3, 224, 224))
c = torch.from_numpy(np.cos(0.11 * np.arange(n) + 0.3).astype(np.float32).reshape(3, 224, 224))
if args.model == "resnet18":
    model = torchvision.models.resnet18()
    model.load_state_dict(torch.load(os.path.join(ROOT, "data", "onnx", "resnet18.pth")))
else:
    from efficientnet_lite_pytorch import EfficientNet
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(os.path.join(ROOT, "data", "efficientnet-lite0.pth"), map_location="cpu"))
model = peer.frozen(model)

import onnxruntime as ort
opts = ort.SessionOptions()
opts.intra_op_num_threads = args.threads
opts.inter_op_num_threads = 1
sess = ort.InferenceSession(os.path.join(ROOT, "data", "onnx", args.model + ".onnx"), opts, providers=["CPUExecutionProvider"])


def ort_sweep(steps=250, batch=64):
    def run():
        alphas = np.linspace(0, 1, steps, dtype=np.float32)
        an, cn = a.numpy(), c.numpy()
        pts = np.stack([(1 - s) * an + s * cn for s in alphas])
        for i in range(0, steps, batch):
            logits = torch.from_numpy(sess.run(None, {"input": pts[i:i + batch]})[0])
            F.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long), reduction="none")
    return run


ort_ms = peer.median_ms(ort_sweep(), args.reps)
print(f"{args.model}: onnxruntime {ort.__version__} sweep of 250 points {ort_ms / 1e3:.3f} s", flush=True)
torch_ms = peer.median_ms(peer.sweep(model, a, c, 250), args.reps)
print(f"{args.model}: PyTorch {torch.__version__} sweep of 250 points {torch_ms / 1e3:.3f} s", flush=True)
step_ms = peer.median_ms(peer.bypass_step(model, a, c, a, 1), 5 * args.reps)
print(f"{args.model}: PyTorch bypass step {step_ms:.1f} ms")
if args.out:
    with open(args.out, "w") as f:
        json.dump({"onnxruntime": {"sweepMs": round(ort_ms, 3)},
                   "pytorch": {"sweepMs": round(torch_ms, 3), "bypassMs": round(step_ms, 3)},
                   "_meta": {"model": args.model, "threads": args.threads, "onnxruntime": ort.__version__,
                             "torch": torch.__version__, "cpuCapability": torch.backends.cpu.get_cpu_capability()}}, f, indent=1)
