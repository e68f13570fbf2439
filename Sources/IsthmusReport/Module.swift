@_exported import IsthmusUtilities

/// IsthmusReport: result files, tables, images, plots and HTML reports, independent of tensors.
public enum IsthmusReportModule {
    public static let name = "IsthmusReport"
    /// Version recorded in `RunInfo`.
    public static let version = "0.1.0"
}
