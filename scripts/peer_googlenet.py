"""PyTorch side of the GoogLeNet workloads of `isthmus bench` (sweep-googlenet-1000, bypass-googlenet), timed exactly
as ../shared/bench/peer_torch.py times its workloads (it has no GoogLeNet). Usage:

    python scripts/peer_googlenet.py [--threads 2] [--quick] [--out peer-googlenet.json]
"""
import argparse, importlib.util, json, os
import torch
import torchvision

spec = importlib.util.spec_from_file_location("peer", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "peer_torch.py"))
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--out", default="")
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
g = peer.frozen(torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True))
a, b = torch.randn(3, 224, 224), torch.randn(3, 224, 224)
res = {
    "sweep-googlenet-1000": {"ms": round(peer.timeit(peer.sweep(g, a, b, 1000), 1 if args.quick else 3), 3), "unit": "ms per 1000-point sweep"},
    "bypass-googlenet": {"ms": round(peer.timeit(peer.bypass_step(g, a, b, (a + b) / 2, 967), 5 if args.quick else 20), 3), "unit": "ms per iteration"},
}
for k, v in res.items():
    print(f"{k:32s} {v['ms']:10.2f} {v['unit']}")
res["_meta"] = {"torch": torch.__version__, "threads": args.threads}
if args.out:
    json.dump(res, open(args.out, "w"), indent=1)
