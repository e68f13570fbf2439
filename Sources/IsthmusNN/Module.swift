/// IsthmusNN module of Isthmus.
public enum IsthmusNNModule { public static let name = "IsthmusNN" }
