/// IsthmusPercolation: Newman–Ziff site/bond percolation on Z^d boxes, hypercubes and Hamming graphs,
/// used to test the percolation picture behind Conjecture 5.1 (Sec. 5) of Vrabel et al., ICLR 2025.
public enum IsthmusPercolationModule { public static let name = "IsthmusPercolation" }
