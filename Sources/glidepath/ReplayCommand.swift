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
        var replayer = Replayer(policy: policy, judge: judge)
        // A line split across two reads is carried in `carry` (at most a line's worth, or it is too long).
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        let carry = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Replayer.maximumLineBytes + 2)
        defer { chunk.deallocate(); carry.deallocate() }
        var carried = 0
        var number = 0
        var total = 0
        do throws(ReplayError) {
            while true {
                let n = fread(chunk.baseAddress, 1, chunk.count, file)
                if n == 0 { break }
                total += n
                if total > maximumBytes { return fail("the file is larger than 1 GiB; split the log") }
                var start = 0
                for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                    number += 1
                    let piece = UnsafeBufferPointer(rebasing: chunk[start..<i])
                    if carried == 0 {
                        try replayer.feed(piece, number: number)
                    } else {
                        try append(piece, to: carry, &carried, line: number)
                        try replayer.feed(UnsafeBufferPointer(rebasing: carry[0..<carried]), number: number)
                        carried = 0
                    }
                    start = i + 1
                }
                try append(UnsafeBufferPointer(rebasing: chunk[start..<n]), to: carry, &carried, line: number + 1)
            }
            if ferror(file) != 0 { return fail("cannot read the file") }
            if carried > 0 {
                number += 1
                try replayer.feed(UnsafeBufferPointer(rebasing: carry[0..<carried]), number: number)
            }
            try replayer.finish()
        } catch {
            return fail(error.description)
        }
        let name = options.policyFile ?? "(the standard simulation policy)"
        let wall = { (ms: Int64) in ISOTime.format(milliseconds: ms) }
        StandardStreams.write(options.json
            ? ReplayReport.json(replayer, file: path, policyName: name, wall: wall)
            : ReplayReport.text(replayer, file: path, policyName: name, wall: wall))
        return 0
    }

    /// Appends `piece` to the carried part of a line; a line that does not fit is too long.
    private static func append(_ piece: UnsafeBufferPointer<UInt8>, to carry: UnsafeMutableBufferPointer<UInt8>,
                               _ carried: inout Int, line: Int) throws(ReplayError) {
        guard carried + piece.count <= carry.count else {
            throw ReplayError(line: line, message: "the line is longer than \(Replayer.maximumLineBytes) bytes")
        }
        for (k, b) in piece.enumerated() { carry[carried + k] = b }
        carried += piece.count
    }
}
