"""Writes Tests/IsthmusNNTests/Fixtures/images.json, the torchvision/Pillow golden values of ImagePreprocessing:

    python scripts/golden/make_image_fixtures.py

Inputs are seeded random uint8 images of odd sizes (stored as base64 HWC bytes). Reference outputs come from the
float tensor path of torchvision (x = to_tensor-like uint8 / 255, then F.resize(..., antialias=True) bilinear or bicubic,
F.center_crop, F.normalize) and from PIL's convert("L"). Floats are stored as base64 little-endian float32 CHW.
It prints, per case, the max abs difference between a float64 evaluation and torchvision's float32 one, the scale
of disagreement to expect from float rounding alone.
"""
import base64, json, os
import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
rng = np.random.default_rng(2025)


def b64(a, dtype):
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode()


def image(h, w, c):
    return rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)


def tensor(img):  # HWC uint8 -> CHW float in [0, 1]
    return torch.from_numpy(img.copy()).permute(2, 0, 1).float() / 255


def resize(x, size, mode=InterpolationMode.BILINEAR):
    return F.resize(x, size, interpolation=mode, antialias=True)


cases = []


def case(name, img, op, out, **params):
    x64 = tensor(img).double()
    ref64 = {"resize": lambda: resize(x64, params["size"]),
             "resize_bicubic": lambda: (lambda r: F.center_crop(r, params["crop"]) if "crop" in params else r)(
                 resize(x64, params["size"], InterpolationMode.BICUBIC)),
             "resize_crop": lambda: F.center_crop(resize(x64, params["size"]), params["crop"]),
             "imagenet": lambda: F.normalize(F.center_crop(resize(x64, params["size"]), params["crop"]),
                                             params["mean"], params["std"])}[op]()
    print(f"{name}: {list(img.shape)} -> {list(out.shape)}  |float64 - float32| max {float((ref64 - out.double()).abs().max()):.2e}")
    cases.append({"name": name, "op": op, "height": img.shape[0], "width": img.shape[1], "channels": img.shape[2],
                  "pixels": b64(img, np.uint8), "shape": list(out.shape), "expected": b64(out.numpy(), "<f4"), **params})


a = image(37, 53, 3)
case("down-shorter-20", a, "resize", resize(tensor(a), 20), size=[20])
case("up-shorter-64-crop-24", a, "resize_crop", F.center_crop(resize(tensor(a), 64), 24), size=[64], crop=[24, 24])
g = image(37, 53, 1)
case("exact-13x71", g, "resize", resize(tensor(g), [13, 71]), size=[13, 71])
b = image(50, 41, 3)
case("exact-7x9-strong-down", b, "resize", resize(tensor(b), [7, 9]), size=[7, 9])
c = image(61, 45, 3)
mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
case("imagenet-32-28", c, "imagenet", F.normalize(F.center_crop(resize(tensor(c), 32), 28), mean, std),
     size=[32], crop=[28, 28], mean=mean, std=std)
case("bicubic-down-13x71", g, "resize_bicubic", resize(tensor(g), [13, 71], InterpolationMode.BICUBIC), size=[13, 71])
case("bicubic-strong-down-7x9", b, "resize_bicubic", resize(tensor(b), [7, 9], InterpolationMode.BICUBIC), size=[7, 9])
case("bicubic-up-shorter-64", a, "resize_bicubic", F.center_crop(resize(tensor(a), 64, InterpolationMode.BICUBIC), 24),
     size=[64], crop=[24, 24])
case("odd-crop-rect", c, "resize_crop", F.center_crop(resize(tensor(c), [40, 30]), [17, 30]), size=[40, 30], crop=[17, 30])

# Center-crop offsets: torchvision's top/left of an arange image.
crops = []
for (h, w, ch, cw) in [(257, 256, 224, 224), (259, 261, 224, 224), (225, 226, 224, 224), (10, 11, 3, 4),
                       (20, 20, 25, 23), (5, 9, 8, 9)]:
    x = torch.arange(1, h * w + 1, dtype=torch.float64).reshape(1, h, w)
    y = F.center_crop(x, [ch, cw])
    nz = (y[0] > 0).nonzero()
    first = int(y[0][nz[0][0], nz[0][1]].item()) - 1
    top, left = first // w - int(nz[0][0]), first % w - int(nz[0][1])
    crops.append({"height": h, "width": w, "cropHeight": ch, "cropWidth": cw, "top": top, "left": left})
    print(f"center_crop {h}x{w} -> {ch}x{cw}: top {top} left {left}")

# PIL convert("L").
rgb = image(9, 11, 3)
gray = np.asarray(Image.fromarray(rgb, "RGB").convert("L"))
# The coffee crop pair of the photo data set through PIL (crop, resize((224, 224)) with its default bicubic filter), sampled.
coffee = {}
COFFEE = os.path.join(ROOT, "data", "photos", "coffee.png")
if os.path.exists(COFFEE):
    im = Image.open(COFFEE).convert("RGB")
    pos = rng.integers(0, 224, size=(64, 2))
    for key, (l, t) in [("a", (0, 0)), ("b", (90, 60))]:
        arr = np.asarray(im.crop((l, t, l + 510, t + 340)).resize((224, 224), Image.BICUBIC))
        coffee[key] = [[int(y), int(x)] + [int(v) for v in arr[y, x]] for y, x in pos]
out = {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": Image.__version__,
       "cases": cases, "centerCrops": crops, "coffeePIL": coffee,
       "gray": {"height": 9, "width": 11, "rgb": b64(rgb, np.uint8), "expected": b64(gray, np.uint8)}}
path = os.path.join(ROOT, "Tests", "IsthmusNNTests", "Fixtures", "images.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
