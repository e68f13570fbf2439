/// IsthmusReport module of Isthmus.
public enum IsthmusReportModule { public static let name = "IsthmusReport" }
