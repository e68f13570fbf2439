/// IsthmusLandscape module of Isthmus.
public enum IsthmusLandscapeModule { public static let name = "IsthmusLandscape" }
