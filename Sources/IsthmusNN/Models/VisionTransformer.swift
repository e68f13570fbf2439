import IsthmusCore

/// U(-bound, bound), bound = sqrt(6 / (fanIn + fanOut)) (`nn.init.xavier_uniform_`).
func xavierUniform(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout SplitMix64) -> Tensor {
    let bound = (6 / Float(fanIn + fanOut)).squareRoot()
    return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
}

/// Multi-head self-attention as PyTorch's `nn.MultiheadAttention(batch_first=True)` called with query = key = value
/// (Vaswani et al. 2017): packed `in_proj_weight` [3E, E] / `in_proj_bias` [3E] (q, k, v rows in that order),
/// softmax(q k^T / sqrt(E / heads)) v per head, `out_proj` E->E. Input and output [N, L, E].
/// Composed of differentiable ops (linear, batched matmul, softmax, permutes), so gradients need no code of its own.
public final class MultiheadSelfAttention: Module {
    public let inProjWeight: Tensor, inProjBias: Tensor
    public let outProj: Linear
    public let heads: Int

    /// Init as PyTorch: in-projection xavier-uniform with zero bias, `out_proj` weight PyTorch default, zero bias.
    public init(embedDim: Int, heads: Int, using rng: inout SplitMix64) {
        precondition(embedDim % heads == 0, "embedDim \(embedDim) is not divisible by \(heads) heads")
        self.heads = heads
        inProjWeight = xavierUniform([3 * embedDim, embedDim], fanIn: embedDim, fanOut: 3 * embedDim, using: &rng)
        inProjBias = .zeros([3 * embedDim])
        outProj = Linear(embedDim, embedDim, using: &rng)
        outProj.bias!.assign(.zeros([embedDim]))
    }

    public override var ownParameters: [(String, Tensor)] { [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias)] }
    public override var children: [(String, Module)] { [("out_proj", outProj)] }

    public override func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3, "self-attention needs [N, L, E], got \(x.shape)")
        let (N, L, E, H) = (x.shape[0], x.shape[1], x.shape[2], heads), D = E / H
        // [N*L, 3E] -> [3, N, H, L, D]
        let qkv = linear(x.reshaped([N * L, E]), weight: inProjWeight, bias: inProjBias)
            .reshaped([N, L, 3, H, D]).permuted([2, 0, 3, 1, 4])
        let part = { (i: Int) in qkv.narrowed(axis: 0, start: i, length: 1).reshaped([N * H, L, D]) }
        let q = part(0) * (1 / Float(D).squareRoot()), k = part(1), v = part(2)
        let attention = batchedMatmul(q, k, transposeB: true).softmax(axis: -1)       // [N*H, L, L]
        let context = batchedMatmul(attention, v)                                      // [N*H, L, D]
            .reshaped([N, H, L, D]).permuted([0, 2, 1, 3]).reshaped([N * L, E])
        return outProj(context).reshaped([N, L, E])
    }
}

/// Transformer encoder block of torchvision's ViT (pre-norm): x + attention(ln_1(x)), then + mlp(ln_2(.)),
/// MLP = Linear(E, mlpDim), GELU, Linear(mlpDim, E) at torchvision's indices `mlp.0` and `mlp.3`
/// (dropouts at 2 and 4 have no state). LayerNorm eps 1e-6. [N, L, E] -> [N, L, E].
public final class EncoderBlock: Module {
    public let ln1: LayerNorm, selfAttention: MultiheadSelfAttention, ln2: LayerNorm
    public let mlp: Sequential
    public let fc1: Linear, fc2: Linear

    /// Init as torchvision: MLP weights xavier-uniform, biases N(0, 1e-6).
    public init(hiddenDim: Int, heads: Int, mlpDim: Int, using rng: inout SplitMix64) {
        ln1 = LayerNorm(hiddenDim, eps: 1e-6)
        selfAttention = MultiheadSelfAttention(embedDim: hiddenDim, heads: heads, using: &rng)
        ln2 = LayerNorm(hiddenDim, eps: 1e-6)
        fc1 = Linear(hiddenDim, mlpDim, using: &rng)
        fc2 = Linear(mlpDim, hiddenDim, using: &rng)
        for l in [fc1, fc2] {
            l.weight.assign(xavierUniform(l.weight.shape, fanIn: l.weight.shape[1], fanOut: l.weight.shape[0], using: &rng))
            l.bias!.assign(Tensor.normal(l.bias!.shape, std: 1e-6, using: &rng))
        }
        mlp = Sequential(fc1, GELU(), Identity(), fc2, Identity())
    }

    public override var children: [(String, Module)] {
        [("ln_1", ln1), ("self_attention", selfAttention), ("ln_2", ln2), ("mlp", mlp)]
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let (N, L, E) = (x.shape[0], x.shape[1], x.shape[2])
        let h = x + selfAttention(ln1(x))
        return h + mlp(ln2(h).reshaped([N * L, E])).reshaped([N, L, E])
    }
}

/// torchvision's ViT encoder: + `pos_embedding` [1, L, E], the blocks `layers.encoder_layer_{i}`, final `ln`.
public final class ViTEncoder: Module {
    public let posEmbedding: Tensor
    public let layers: [EncoderBlock]
    let layerNames: NamedModules
    public let ln: LayerNorm

    public init(seqLength: Int, layers: Int, heads: Int, hiddenDim: Int, mlpDim: Int, using rng: inout SplitMix64) {
        posEmbedding = Tensor.normal([1, seqLength, hiddenDim], std: 0.02, using: &rng)
        self.layers = (0..<layers).map { _ in EncoderBlock(hiddenDim: hiddenDim, heads: heads, mlpDim: mlpDim, using: &rng) }
        layerNames = NamedModules(self.layers.enumerated().map { ("encoder_layer_\($0.offset)", $0.element) })
        ln = LayerNorm(hiddenDim, eps: 1e-6)
    }

    public override var ownParameters: [(String, Tensor)] { [("pos_embedding", posEmbedding)] }
    public override var children: [(String, Module)] { [("layers", layerNames), ("ln", ln)] }

    public override func forward(_ x: Tensor) -> Tensor {
        ln(layers.reduce(x + posEmbedding) { $1($0) })
    }
}

/// Children with given names, run in order (an `nn.Sequential` built from an OrderedDict).
final class NamedModules: Module {
    let named: [(String, Module)]
    init(_ named: [(String, Module)]) { self.named = named }
    override var children: [(String, Module)] { named }
    override func forward(_ x: Tensor) -> Tensor { named.reduce(x) { $1.1($0) } }
}

/// Vision Transformer (Dosovitskiy et al. 2021, arXiv:2010.11929) with torchvision's layout and state names:
/// `class_token` [1, 1, E], `conv_proj` (patch x patch conv, stride patch), `encoder.pos_embedding` [1, 1 + P, E],
/// `encoder.layers.encoder_layer_{i}.{ln_1, self_attention, ln_2, mlp.0, mlp.3}`, `encoder.ln`, `heads.head`.
/// Defaults are ViT-B/16 (224, patch 16, 12 layers, 12 heads, E 768, MLP 3072; 86.6M parameters).
/// Input [N, 3, imageSize, imageSize]; the class token's final state feeds the head; logits [N, classes].
/// Dropout rates are torchvision's 0, so there is none. Pretrained torchvision weights expect ImageNet mean/std.
public final class VisionTransformer: Module {
    public let imageSize: Int, patchSize: Int, hiddenDim: Int
    public let classToken: Tensor
    public let convProj: Conv2d
    public let encoder: ViTEncoder
    public let head: Linear
    let headModules: NamedModules

    /// Init as torchvision: `conv_proj` weight N(0, 1/fan_in) (truncated at +-2, which never binds), bias 0;
    /// class token 0; position embedding N(0, 0.02^2); head weight and bias 0.
    public init(classes: Int = 1000, imageSize: Int = 224, patchSize: Int = 16, layers: Int = 12, heads: Int = 12,
                hiddenDim: Int = 768, mlpDim: Int = 3072, using rng: inout SplitMix64) {
        precondition(imageSize % patchSize == 0, "image size \(imageSize) is not a multiple of patch size \(patchSize)")
        self.imageSize = imageSize; self.patchSize = patchSize; self.hiddenDim = hiddenDim
        convProj = Conv2d(3, hiddenDim, kernel: patchSize, stride: patchSize, using: &rng)
        let fanIn = 3 * patchSize * patchSize
        convProj.weight.assign(Tensor.normal(convProj.weight.shape, std: (1 / Float(fanIn)).squareRoot(), using: &rng))
        convProj.bias!.assign(.zeros([hiddenDim]))
        classToken = .zeros([1, 1, hiddenDim])
        let patches = (imageSize / patchSize) * (imageSize / patchSize)
        encoder = ViTEncoder(seqLength: patches + 1, layers: layers, heads: heads, hiddenDim: hiddenDim, mlpDim: mlpDim,
                             using: &rng)
        head = Linear(hiddenDim, classes, using: &rng)
        head.weight.assign(.zeros(head.weight.shape))
        head.bias!.assign(.zeros([classes]))
        headModules = NamedModules([("head", head)])
    }

    public override var ownParameters: [(String, Tensor)] { [("class_token", classToken)] }
    public override var children: [(String, Module)] { [("conv_proj", convProj), ("encoder", encoder), ("heads", headModules)] }

    public override func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] == imageSize && x.shape[3] == imageSize,
                     "ViT expects [N, 3, \(imageSize), \(imageSize)], got \(x.shape)")
        let N = x.shape[0], E = hiddenDim
        let patches = convProj(x).reshaped([N, E, -1]).permuted([0, 2, 1])        // [N, P, E]
        let tokens = concat([concat(Array(repeating: classToken, count: N), axis: 0), patches], axis: 1)
        let encoded = encoder(tokens)                                              // [N, 1 + P, E]
        return head(encoded.narrowed(axis: 1, start: 0, length: 1).reshaped([N, E]))
    }
}
