import GlidepathCore
import GlidepathServer

/// Commands that need no server: `lint`, `bucket`.
enum LocalCommands {
    static func lint(_ files: [String]) -> Int32 {
        var problems = 0
        for path in files {
            let file = PolicyFile.read(path)
            let lines = file.problemLines
            problems += lines.count
            if lines.isEmpty {
                StandardStreams.write("\(path): ok\n")
            } else {
                for l in lines { StandardStreams.writeError(l + "\n") }
            }
        }
        return problems == 0 ? 0 : 1
    }

    static func bucket(migration: String, key: String) -> Int32 {
        StandardStreams.write("\(Bucketing.bucket(migration: migration, key: key))\n")
        return 0
    }
}
