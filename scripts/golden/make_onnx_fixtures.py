"""Exports reduced torchvision classifiers and one network of our own to ONNX, with PyTorch references, for the
Swift ONNX tests (run with a Python that has torch, torchvision and onnx):

    python scripts/golden/make_onnx_fixtures.py            # the committed fixtures
    python scripts/golden/make_onnx_fixtures.py --full     # also full-size ResNet-18 and EfficientNet-Lite0 into
                                                           # data/onnx/ (not committed; see full_size)

Weights are seeded random, and every BatchNorm gets random running statistics and affine parameters, so eval-mode
BN is not the identity. The input and the gradient probe are closed-form (`pattern`), recomputed by the Swift test,
so only the references are stored. Per model, Tests/IsthmusNNTests/Fixtures/onnx/NAME.onnx and an entry of
onnx-models.json: logits in float64 (the model run in double), PyTorch float32's relative error on them, the float64
input gradient of sum(logits * probe), and PyTorch float32's relative L2 error on that gradient.
"""
import json, math, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.convnext import CNBlockConfig

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "IsthmusNNTests", "Fixtures", "onnx")


def pattern(shape, a, b):
    """x[i] = sin(a * i + b) in float64, rounded to float32 (the Swift test computes the same)."""
    n = int(np.prod(shape))
    return torch.from_numpy(np.sin(a * np.arange(n, dtype=np.float64) + b).astype(np.float32).reshape(shape))


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.2)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.2)
            elif isinstance(m, nn.Linear) and not m.weight.any():  # zero-initialized heads (ViT)
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) / math.sqrt(m.in_features))
            elif isinstance(m, (nn.LayerNorm, nn.InstanceNorm2d)) and m.weight is not None:
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)
    return model.eval()


class OwnNet(nn.Module):
    """Ops the zoo lacks: reflection pad, dilated conv, PReLU, InstanceNorm, ELU, SELU, Softplus, hardsigmoid,
    ceil-mode max pool, average pool without the pad count, a grouped conv, and a final LogSoftmax (stripped).
    (nn.LocalResponseNorm exports as an If on the input's rank; LRN itself is covered by the ONNX cases.)"""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, dilation=2)
        self.p1 = nn.PReLU(8)
        self.c2 = nn.Conv2d(8, 16, 3, padding=1, groups=2)
        self.inorm = nn.InstanceNorm2d(16, affine=True)
        self.c3 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(16 * 6 * 6, 32)
        self.fc2 = nn.Linear(32, 10)

    def logits(self, x):
        x = F.pad(x, (2, 2, 2, 2), mode="reflect")
        x = self.p1(self.c1(x))
        x = F.max_pool2d(x, 3, 2, ceil_mode=True)
        x = F.elu(self.inorm(self.c2(x)))
        x = F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        x = F.selu(self.c3(x)) + F.hardsigmoid(x[:, :, ::2, ::2])
        return self.fc2(F.softplus(self.fc1(torch.flatten(x, 1))))

    def forward(self, x):
        return F.log_softmax(self.logits(x), dim=1)


def models():
    tv = torchvision.models
    return {
        "densenet-mini": (lambda: tv.DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16, bn_size=2,
                                               num_classes=10), [1, 3, 32, 32]),
        "mobilenet-v2-mini": (lambda: tv.mobilenet_v2(width_mult=0.25, num_classes=10), [1, 3, 32, 32]),
        "mobilenet-v3-small-mini": (lambda: tv.mobilenet_v3_small(width_mult=0.25, num_classes=10), [1, 3, 32, 32]),
        "shufflenet-v2-mini": (lambda: tv.ShuffleNetV2([2, 2, 2], [8, 16, 32, 64, 128], num_classes=10), [1, 3, 32, 32]),
        "convnext-mini": (lambda: tv.convnext.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)],
                                                      num_classes=10), [1, 3, 32, 32]),
        "vit-mini": (lambda: tv.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32,
                                                  mlp_dim=64, num_classes=10), [1, 3, 32, 32]),
        "own-net": (OwnNet, [1, 3, 24, 24]),
    }


def export(name, make, shape, directory, seed):
    torch.manual_seed(seed)
    model = randomize(make(), seed)
    x = pattern(shape, 0.37, 0.5)
    path = os.path.join(directory, name + ".onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"], opset_version=17,
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, dynamo=False)
    return model, x, path


def references(model, x, strip_log_softmax):
    # The logits the ONNX model returns: for own-net the input of its final LogSoftmax.
    head = model.logits if strip_log_softmax else model
    out = {}
    for dtype in (torch.float64, torch.float32):
        m = model.to(dtype)
        t = x.to(dtype).clone().requires_grad_(True)
        y = head(t)
        probe = pattern(list(y.shape), 0.91, 0.2).to(dtype)
        (y * probe).sum().backward()
        out[dtype] = (y.detach().double(), t.grad.double())
    model.float()
    (y64, g64), (y32, g32) = out[torch.float64], out[torch.float32]
    return y64, g64, float((y32 - y64).abs().max() / y64.abs().max()), float((g32 - g64).norm() / g64.norm())


def main():
    os.makedirs(OUT, exist_ok=True)
    fixtures = {}
    for seed, (name, (make, shape)) in enumerate(models().items()):
        model, x, path = export(name, make, shape, OUT, seed)
        y64, g64, e_logits, e_grad = references(model, x, name == "own-net")
        size = os.path.getsize(path)
        assert size < 2_200_000, f"{name}: {size} bytes"
        fixtures[name] = {"inputShape": shape, "logits": y64.reshape(-1).tolist(), "logitsShape": list(y64.shape),
                          "gradient": [float("%.9g" % v) for v in g64.reshape(-1).tolist()],
                          "torchFloat32LogitsError": e_logits, "torchFloat32GradientError": e_grad}
        print(f"{name}: {size / 1e6:.2f} MB, torch f32 logits rel err {e_logits:.2e}, gradient rel L2 {e_grad:.2e}")
    with open(os.path.join(ROOT, "Tests", "IsthmusNNTests", "Fixtures", "onnx-models.json"), "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
    if "--full" in sys.argv:
        full_size()


def save_with_metadata(path, normalization):
    import onnx
    m = onnx.load(path)
    entry = m.metadata_props.add()
    entry.key, entry.value = "normalization", normalization
    onnx.save(m, path)


def export_full(m, x, path, normalization):
    """`path` as torch.onnx.export writes it by default (eval mode: every BatchNorm already folded into its
    convolution), and PATH-bn.onnx with the BatchNormalization nodes kept (TrainingMode.PRESERVE on an eval-mode
    model: inference BatchNormalization), on which Isthmus's own Conv+BN folding is measured and tested."""
    for p, mode in ((path, torch.onnx.TrainingMode.EVAL), (path[:-5] + "-bn.onnx", torch.onnx.TrainingMode.PRESERVE)):
        torch.onnx.export(m, (x,), p, input_names=["input"], output_names=["output"], opset_version=17, training=mode,
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, dynamo=False)
        save_with_metadata(p, normalization)


def full_size():
    """Full-size exports for the speed and parity comparisons (data/onnx/, not committed): torchvision ResNet-18 with
    random weights (its state dict beside it, for the native model), and EfficientNet-Lite0 with the ImageNet
    weights of data/efficientnet-lite0.pth (reference architecture: pip install efficientnet-lite-pytorch==0.1.0);
    each also as NAME-bn.onnx with its BatchNormalization nodes (see export_full)."""
    d = os.path.join(ROOT, "data", "onnx")
    os.makedirs(d, exist_ok=True)
    x = pattern([1, 3, 224, 224], 0.37, 0.5)
    torch.manual_seed(0)
    m = randomize(torchvision.models.resnet18(), 0)
    export_full(m, x, os.path.join(d, "resnet18.onnx"), "imagenet")
    torch.save(m.state_dict(), os.path.join(d, "resnet18.pth"))
    print("data/onnx/resnet18.onnx, resnet18-bn.onnx (+ resnet18.pth with the same weights)")
    weights = os.path.join(ROOT, "data", "efficientnet-lite0.pth")
    if os.path.exists(weights):
        from efficientnet_lite_pytorch import EfficientNet
        m = EfficientNet.from_name("efficientnet-lite0")
        m.load_state_dict(torch.load(weights, map_location="cpu"))
        m.eval()
        export_full(m, x, os.path.join(d, "efficientnet-lite0.onnx"), "half")
        coffee_references(m, os.path.join(ROOT, "data", "photos", "coffee.png"), d)
        print("data/onnx/efficientnet-lite0.onnx, efficientnet-lite0-bn.onnx")


def coffee_references(model, photo, d):
    """The input gradient of CE(logits, 967) on the coffee crop of make_real_efficientnet_fixture.py, in float64
    (data/onnx/efficientnet-lite0-coffee-grad64.npy), and PyTorch float32's relative L2 error on it."""
    from PIL import Image
    box = [150, 80, 224, 224]
    pixels = np.asarray(Image.open(photo).convert("RGB"))[box[1]:box[1] + box[3], box[0]:box[0] + box[2]]
    x = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0)
    x = ((x - 0.5) / 0.5).contiguous()
    grads = {}
    for dtype in (torch.float64, torch.float32):
        m = model.to(dtype)
        t = x.to(dtype).clone().requires_grad_(True)
        F.cross_entropy(m(t), torch.tensor([967])).backward()
        grads[dtype] = t.grad.double()
    model.float()
    g64, g32 = grads[torch.float64], grads[torch.float32]
    np.save(os.path.join(d, "efficientnet-lite0-coffee-grad64.npy"), g64.numpy().astype(np.float32))
    err = float((g32 - g64).norm() / g64.norm())
    with open(os.path.join(d, "efficientnet-lite0-coffee.json"), "w") as f:
        json.dump({"torchFloat32GradientError": err}, f)
    print(f"EfficientNet-Lite0 on the coffee crop: PyTorch float32 input gradient rel L2 vs float64 {err:.2e}")


if __name__ == "__main__":
    main()
