import Glibc
import GlidepathCore
import GlidepathServer
import GlidepathSimulator

/// `glidepath simulate --replay FILE`: streams a recorded log through `Replayer` (64 KiB reads, one line
/// at a time; the file is never held whole) and prints the decisions the policy would have taken.
enum ReplayCommand {
    /// Largest log read: 1 GiB (10 million lines of about 100 bytes).
    static let maximumBytes = 1 << 30

    static func run(path: String, options: SimulationOptions) -> Int32 {
        var policy = options.policy ?? SimulationPolicy.standard(judge: .sequential)
        let judge: any Judge
        if let chosen = options.judges?.first {
            policy = SimulationPolicy.policy(policy, judge: chosen.policyKind)
            judge = chosen.make()
        } else {
            judge = policy.judge.makeJudge()
        }
        func fail(_ message: String) -> Int32 {
            StandardStreams.writeError("\(path): \(message)\n")
            return 1
        }
        guard let file = fopen(path, "rb") else { return fail("cannot open the file") }
        defer { fclose(file) }
        var reader = ReplayReader(Replayer(policy: policy, judge: judge,
                                                zones: ResolvedZones(SystemTimeZones(), policy: policy)))
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        defer { chunk.deallocate(); reader.deallocate() }
        do throws(ReplayError) {
            while true {
                let n = fread(chunk.baseAddress, 1, chunk.count, file)
                if n == 0 { break }
                if reader.bytes + n > maximumBytes { return fail("the file is larger than 1 GiB; split the log") }
                try reader.consume(UnsafeBufferPointer(rebasing: chunk[0..<n]))
            }
            if ferror(file) != 0 { return fail("cannot read the file") }
            try reader.finish()
        } catch {
            return fail(error.description)
        }
        let replayer = reader.replayer
        let name = options.policyFile ?? "(the standard simulation policy)"
        let wall = { (ms: Int64) in ISOTime.format(milliseconds: ms) }
        StandardStreams.write(options.json
            ? ReplayReport.json(replayer, file: path, policyName: name, wall: wall)
            : ReplayReport.text(replayer, file: path, policyName: name, wall: wall))
        return 0
    }
}
