/// IsthmusPercolation module of Isthmus.
public enum IsthmusPercolationModule { public static let name = "IsthmusPercolation" }
