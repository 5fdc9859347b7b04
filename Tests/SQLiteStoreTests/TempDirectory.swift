import Foundation

/// A fresh directory under the system temp dir, removed when the test is done with it.
struct TempDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("glidepath-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Runs `body` with a new directory and removes it afterwards, whatever happens.
    static func with<T>(_ body: (TempDirectory) throws -> T) throws -> T {
        let directory = try TempDirectory()
        defer { directory.remove() }
        return try body(directory)
    }
}
