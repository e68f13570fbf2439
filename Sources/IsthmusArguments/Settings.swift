/// An option bound to a field of a config: its declaration, with the default read from the config's defaults,
/// and its parsing into that field (when given), in one line of a `Settings` table:
///
///     Settings(Interpolation.Config(), [
///         .int("--steps", "N", \.steps, 2...10_000_000, "points on the segment"),
///     ])
public struct Setting<Root> {
    public let name: String
    let declare: (Root) -> Option
    let read: (inout Arguments, inout Root) throws -> Void

    public static func int(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, Int>, _ range: ClosedRange<Int>,
                           _ help: String) -> Setting {
        Setting(name: name, declare: { .int(name, metavar, $0[keyPath: key], range, help) },
                read: { args, root in if let v = try args.optionalInt(name) { root[keyPath: key] = v } })
    }

    /// An optional count: absent leaves the field nil (the help says what nil means).
    public static func int(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, Int?>, _ range: ClosedRange<Int>,
                           _ help: String) -> Setting {
        Setting(name: name, declare: { .int(name, metavar, $0[keyPath: key], range, help) },
                read: { args, root in if let v = try args.optionalInt(name) { root[keyPath: key] = v } })
    }

    public static func number(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, Double>, min: Double? = nil,
                              max: Double? = nil, _ help: String) -> Setting {
        Setting(name: name, declare: { .number(name, metavar, $0[keyPath: key], min: min, max: max, help) },
                read: { args, root in if let v = try args.optionalDouble(name) { root[keyPath: key] = v } })
    }

    public static func number(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, Float>, min: Double? = nil,
                              max: Double? = nil, _ help: String) -> Setting {
        Setting(name: name, declare: { .number(name, metavar, $0[keyPath: key], min: min, max: max, help) },
                read: { args, root in if let v = try args.optionalDouble(name) { root[keyPath: key] = Float(v) } })
    }

    /// An optional number: absent leaves the field as it is.
    public static func number(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, Double?>, min: Double? = nil,
                              max: Double? = nil, _ help: String) -> Setting {
        Setting(name: name, declare: { .number(name, metavar, $0[keyPath: key], min: min, max: max, help) },
                read: { args, root in if let v = try args.optionalDouble(name) { root[keyPath: key] = v } })
    }

    /// A flag that sets the field to `value` when given (`--no-climb` sets `climbing` to false).
    public static func flag(_ name: String, _ key: WritableKeyPath<Root, Bool>, sets value: Bool, _ help: String) -> Setting {
        Setting(name: name, declare: { _ in .flag(name, help) }, read: { args, root in if args.flag(name) { root[keyPath: key] = value } })
    }

    /// One of an enumeration's raw values.
    public static func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ metavar: String, _ key: WritableKeyPath<Root, E>,
                                                                 _ help: String) -> Setting where E.RawValue == String {
        Setting(name: name, declare: { .choice(name, metavar, E.allCases.map(\.rawValue), $0[keyPath: key].rawValue, help) },
                read: { args, root in if args.has(name), let v = try args.string(name) { root[keyPath: key] = E(rawValue: v)! } })
    }

    /// The same option under a heading in `--help`.
    public func under(_ heading: String) -> Setting {
        let d = declare
        return Setting(name: name, declare: { d($0).under(heading) }, read: read)
    }
}

/// A command's config options: declared against `defaults`, parsed into a config.
public struct Settings<Root> {
    public let defaults: Root
    public let items: [Setting<Root>]

    public init(_ defaults: Root, _ items: [Setting<Root>]) { self.defaults = defaults; self.items = items }

    /// The options, defaults shown from `defaults`.
    public var options: [Option] { items.map { $0.declare(defaults) } }

    /// Reads every option given into `root`; absent ones leave its field as it is (a preset's value, or the default).
    public func parse(_ args: inout Arguments, into root: inout Root) throws {
        for s in items { try s.read(&args, &root) }
    }

    /// `defaults` with every option read into it.
    public func parse(_ args: inout Arguments) throws -> Root {
        var root = defaults
        try parse(&args, into: &root)
        return root
    }
}
