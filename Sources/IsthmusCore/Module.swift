/// IsthmusCore module of Isthmus.
public enum IsthmusCoreModule { public static let name = "IsthmusCore" }
