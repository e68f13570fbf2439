/// IsthmusFormats module of Isthmus.
public enum IsthmusFormatsModule { public static let name = "IsthmusFormats" }
