internal import Foundation

/// Directories only their owner may enter: the state directory and the lab's, which hold the
/// fingerprint key and router configs with keys and passwords in them.
public enum PrivateDirectory {
    /// Creates `path` (and its missing parents) mode 0700, and takes group and other access
    /// away from it if it already exists.
    public static func create(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        if mode & 0o077 != 0 {
            try FileManager.default.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: path)
        }
    }
}
