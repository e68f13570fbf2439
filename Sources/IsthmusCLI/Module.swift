/// IsthmusCLI module of Isthmus.
public enum IsthmusCLIModule { public static let name = "IsthmusCLI" }
