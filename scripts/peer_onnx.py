"""onnxruntime (and PyTorch) peers, timed as scripts/peer_torch.py times its workloads (median of repetitions after
2 warm-ups). Needs torch, torchvision, onnx, onnxruntime (a benchmark-only venv). Two modes:

    python scripts/peer_onnx.py --sweeps [--threads 2] [--quick] [--only NAME] [--out ort.json]

exports every sweep workload's PyTorch model of scripts/peer_torch.py (the same random weights, torch.manual_seed(0))
to ONNX in a temporary directory and times the same sweep in onnxruntime: the per-point cross-entropy at N evenly
spaced points of a -> c, the points built one by one, in batches of 64. --out writes {workload: {ms, unit},
_meta: {...}}, the JSON shape of peer_torch.py (read by scripts/bench-vs-torch.sh).

    python scripts/peer_onnx.py [--threads 2] [--model resnet18|efficientnet-lite0] [--reps 3] [--out peer.json]

times the full-size exports of scripts/golden/make_onnx_fixtures.py --full (data/onnx/): a 250-point sweep in
onnxruntime and in PyTorch, and one bypass step (Adam on the input, gradient projected off C - A) in PyTorch;
--out writes {"onnxruntime": {"sweepMs"}, "pytorch": {"sweepMs", "bypassMs"}, "_meta": {...}} (read by
scripts/bench-vs-torch.sh --onnx).
"""
import argparse, json, os, sys, tempfile, warnings
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import peer_torch as peer  # noqa: E402
import onnxruntime as ort  # noqa: E402


def session(path, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def export(model, shape, path):
    """`model` (eval mode) as ONNX with a dynamic batch axis, input "input", output "output"."""
    warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export.*")
    torch.onnx.export(model, (torch.zeros((1,) + tuple(shape)),), path, input_names=["input"], output_names=["output"],
                      opset_version=17, dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, dynamo=False)


def ort_sweep(sess, a, c, points, batch=64):
    """The sweep of peer_torch.sweep in onnxruntime: CE of class 0 at `points` points of a -> c, in batches."""
    def run():
        alphas = np.linspace(0, 1, points, dtype=np.float32)
        an, cn = a.numpy(), c.numpy()
        pts = np.stack([(1 - s) * an + s * cn for s in alphas])
        for i in range(0, points, batch):
            logits = torch.from_numpy(sess.run(None, {"input": pts[i:i + batch]})[0])
            F.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long), reduction="none")
    return run


def meta(threads):
    return {"onnxruntime": ort.__version__, "torch": torch.__version__, "threads": threads,
            "cpuCapability": torch.backends.cpu.get_cpu_capability()}


def sweeps(args):
    torch.manual_seed(0)
    res = {}
    with tempfile.TemporaryDirectory() as d:
        for name, (model, a, c, points, reps, unit) in peer.sweep_cases(args.quick, peer.models(), peer.inputs()).items():
            if args.only and args.only not in name:
                continue
            path = os.path.join(d, name + ".onnx")
            export(model, a.shape, path)
            res[name] = {"ms": round(peer.median_ms(ort_sweep(session(path, args.threads), a, c, points), reps), 3), "unit": unit}
            print(f"{name:32s} {res[name]['ms']:10.2f} {unit} (onnxruntime)", flush=True)
    res["_meta"] = meta(args.threads)
    return res


def full_size(args):
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
    sess = session(os.path.join(ROOT, "data", "onnx", args.model + ".onnx"), args.threads)
    ort_ms = peer.median_ms(ort_sweep(sess, a, c, 250), args.reps)
    print(f"{args.model}: onnxruntime {ort.__version__} sweep of 250 points {ort_ms / 1e3:.3f} s", flush=True)
    torch_ms = peer.median_ms(peer.sweep(model, a, c, 250), args.reps)
    print(f"{args.model}: PyTorch {torch.__version__} sweep of 250 points {torch_ms / 1e3:.3f} s", flush=True)
    step_ms = peer.median_ms(peer.bypass_step(model, a, c, a, 1), 5 * args.reps)
    print(f"{args.model}: PyTorch bypass step {step_ms:.1f} ms")
    return {"onnxruntime": {"sweepMs": round(ort_ms, 3)},
            "pytorch": {"sweepMs": round(torch_ms, 3), "bypassMs": round(step_ms, 3)},
            "_meta": dict(meta(args.threads), model=args.model)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sweeps", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    res = sweeps(args) if args.sweeps else full_size(args)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
