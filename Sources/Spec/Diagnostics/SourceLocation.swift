/// A position in a spec file: 1-based line and column, columns counted in Unicode scalars.
///
/// libyaml's marks are 0-based; they are converted where events are read (`YAMLReader`).
public struct SourceLocation: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The file as the user named it (relative to the working directory when given so).
    public var file: String
    /// 1-based line; 0 when the location names a whole file or directory.
    public var line: Int
    /// 1-based column in Unicode scalars; 0 when `line` is 0.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location that names a file or directory as a whole.
    public static func whole(_ file: String) -> SourceLocation {
        SourceLocation(file: file, line: 0, column: 0)
    }

    public var description: String {
        line == 0 ? file : "\(file):\(line):\(column)"
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A 1-based line and column inside one file; the file is known from context.
public struct Mark: Hashable, Sendable, Comparable {
    public var line: Int32
    public var column: Int32

    public init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public func located(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: Int(line), column: Int(column))
    }
}
