import Foundation
import Testing
@testable import GlidepathServer

@Suite struct PolicyDirectoryTests {
    @Test func listsJSONFilesSortedAndReportsProblemsPerFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glidepath-pol-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Fixture.policy().write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        try "{\"migration\": \"x\"}".write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        try "ignored".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let files = try PolicyFile.list(directory: dir)
        #expect(files == [dir + "/a.json", dir + "/b.json"])
        let read = files.map(PolicyFile.read)
        #expect(read[0].problemLines.first?.hasPrefix(dir + "/a.json:") == true)
        #expect(read[1].problemLines.isEmpty)
        #expect(try PolicyFile.list(directory: dir + "/missing").isEmpty)
    }
}
