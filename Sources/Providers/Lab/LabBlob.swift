internal import AzureModel
internal import Synchronization

/// The lab's Blob listener, for a state backend with `endpoint=lab`: one per lab directory,
/// started on first use and kept for the whole command.
public enum LabBlob {
    private static let servers = Mutex<[String: BlobServer]>([:])

    /// `http://127.0.0.1:PORT` of the listener serving the blob store of the lab kept in
    /// `stateDirectory` (its `lab/`, or RECONCILE_LAB_DIR).
    public static func url(stateDirectory: String) throws -> String {
        let labDirectory = LabWorld.directory(stateDirectory)
        return try servers.withLock { servers in
            if let running = servers[labDirectory] { return running.url }
            let server = try LabWorld.blobServer(labDirectory: labDirectory)
            servers[labDirectory] = server
            return server.url
        }
    }
}
