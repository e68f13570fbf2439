// The reference numbers the figures and the report compare with, each once, with its source. Vrabel, Shem-Ur, Oz,
// Krueger, "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025 (arXiv 2409.05800).

/// Reference numbers of the paper (and of its public repository's data), with where each comes from.
public enum PaperReference {
    /// Mean, median and quartiles of one statistic over pairs.
    public struct Quartiles: Sendable {
        public var mean, median, q1, q3: Double
    }

    /// Fig 6 (Sec 4.2), GoogLeNet on ImageNet validation images with the paper's protocol (5000 + 5000 pairs after the
    /// 7 -> 5 selection): computed from the per-pair CSVs the paper's public repository publishes for Fig 6.
    public static let fig6Source = "GoogLeNet on ImageNet validation images, the paper's protocol (5000 + 5000 pairs after the 7 -> 5 " +
        "selection), computed from the per-pair CSVs the paper's public repository publishes for Fig 6"
    public static let fig6: [BarrierStatistics.Group: (max: Quartiles, gap: Quartiles)] = [
        .within: (Quartiles(mean: 2.270, median: 1.794, q1: 0.635, q3: 3.449), Quartiles(mean: 1.001, median: 0.469, q1: 0.087, q3: 1.503)),
        .adversarial: (Quartiles(mean: 5.824, median: 5.994, q1: 4.267, q3: 7.479), Quartiles(mean: 5.193, median: 5.302, q1: 3.529, q3: 6.851)),
    ]
    /// Fraction of monotone within-class pairs (gap 0) in the same Fig 6 CSVs.
    public static let fig6MonotoneFraction = 0.086

    /// Single-threshold detectors (adversarial = positive) on all 5000 + 5000 pairs of the Fig 6 CSVs, as "AUROC / TPR at
    /// 5% FPR". The paper reports no AUROC or TPR.
    public static let detectors = ["barrierMax": "0.873 / 0.486", "barrierGap": "0.936 / 0.728"]
    public static let detectorNote = "Reference: the paper reports no AUROC or TPR; 0.873 / 0.486 (barrier max) and 0.936 / 0.728 (barrier gap) " +
        "are single-threshold detectors computed on all 5000 + 5000 pairs of the per-pair CSVs the paper's public repository publishes " +
        "for Fig 6 (GoogLeNet, ImageNet), not on a held-out half."

    /// Sec 4.1: the paper's statement on the size of the bend for its ImageNet/CIFAR models (not a median over pairs).
    public static let pixelDeviation = "1-5%: the paper's statement for its ImageNet/CIFAR models (not a median over pairs)"
}
