@_exported import IsthmusUtilities

/// IsthmusPercolation: Newman–Ziff site/bond percolation on Z^d boxes, hypercubes and Hamming graphs,
/// testing the percolation picture behind Conjecture 5.1 (Sec. 5) of Vrabel et al., ICLR 2025.
///
/// Entry points: `PercolationExperiment.run` (curves in p and optional p_c on one graph),
/// `DimensionScan.run` (p_c(d) against the literature and 1/(2d)), `PercolationValidation.run`,
/// `ClassConnectivity.run` (the paper's random K-class labelling at fixed p as d grows) and
/// `CorrelatedConnectivity.run` (labels from a smoothed Gaussian field). All results are Codable and
/// exactly repeatable for a seed, whatever the thread count.
public enum IsthmusPercolationModule { public static let name = "IsthmusPercolation" }
