/// IsthmusKernels module of Isthmus.
public enum IsthmusKernelsModule { public static let name = "IsthmusKernels" }
