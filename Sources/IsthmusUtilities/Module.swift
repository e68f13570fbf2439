/// IsthmusUtilities: the few helpers every layer shares (the seeded generator, Fisher-Yates shuffle,
/// JSON string quoting, medians and quantiles). No dependencies; re-exported by Formats, Report and Percolation.
public enum IsthmusUtilitiesModule { public static let name = "IsthmusUtilities" }
