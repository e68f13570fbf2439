import IsthmusCore

/// The MNIST CNN of the paper's workloads: conv1 (1->32, 3x3, pad 1) - ReLU - maxpool 2 - conv2 (32->64, 3x3,
/// pad 1) - ReLU - maxpool 2 - flatten - fc1 (3136->128) - ReLU - fc2 (128->10). Input [N, 1, 28, 28].
public final class MnistCNN: Module {
    public let conv1: Conv2d, conv2: Conv2d, fc1: Linear, fc2: Linear
    public init(classes: Int = 10, using rng: inout SplitMix64) {
        conv1 = Conv2d(1, 32, kernel: 3, padding: 1, using: &rng)
        conv2 = Conv2d(32, 64, kernel: 3, padding: 1, using: &rng)
        fc1 = Linear(64 * 7 * 7, 128, using: &rng)
        fc2 = Linear(128, classes, using: &rng)
    }
    public override var children: [(String, Module)] { [("conv1", conv1), ("conv2", conv2), ("fc1", fc1), ("fc2", fc2)] }
    public override func forward(_ x: Tensor) -> Tensor {
        // = maxPool2d(relu(conv(.)), 2): one op, the conv output never leaves oneDNN's blocked layout.
        var h = conv2dReluMaxPool2x2(x, weight: conv1.weight, bias: conv1.bias, padding: conv1.padding)
        h = conv2dReluMaxPool2x2(h, weight: conv2.weight, bias: conv2.bias, padding: conv2.padding)
        return fc2(fc1(h.flattened()).relu())
    }
}

/// A multilayer perceptron on flattened inputs: Linear-ReLU per hidden width, then a Linear head.
/// Parameter names `layers.0.weight`, `layers.2.weight`, ... (an `nn.Sequential` called `layers`).
public final class MLP: Module {
    public let layers: Sequential
    public init(inputs: Int, hidden: [Int], classes: Int, using rng: inout SplitMix64) {
        var mods: [Module] = []
        var width = inputs
        for h in hidden {
            mods.append(Linear(width, h, using: &rng))
            mods.append(ReLU())
            width = h
        }
        mods.append(Linear(width, classes, using: &rng))
        layers = Sequential(mods)
    }
    public override var children: [(String, Module)] { [("layers", layers)] }
    public override func forward(_ x: Tensor) -> Tensor { layers(x.flattened()) }
}
