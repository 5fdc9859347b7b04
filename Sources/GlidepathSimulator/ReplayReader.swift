/// Splits a log read in chunks of any size into lines for a `Replayer`, without holding the file: a line
/// cut by a chunk's end is carried (up to `Replayer.maximumLineBytes` + 2 bytes, else it is too long).
/// The command feeds it 64 KiB reads; tests feed it any split.
package struct ReplayReader {
    package private(set) var replayer: Replayer
    private let carry: UnsafeMutableBufferPointer<UInt8>
    private var carried = 0
    /// Lines read so far.
    package private(set) var number = 0
    /// Bytes read so far.
    package private(set) var bytes = 0

    package init(_ replayer: Replayer) {
        self.replayer = replayer
        carry = .allocate(capacity: Replayer.maximumLineBytes + 2)
    }

    /// Frees the carry buffer; call once, last.
    package func deallocate() { carry.deallocate() }

    /// Reads the next chunk of the file.
    package mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>) throws(ReplayError) {
        bytes += chunk.count
        var start = 0
        for i in 0..<chunk.count where chunk[i] == UInt8(ascii: "\n") {
            number += 1
            let piece = UnsafeBufferPointer(rebasing: chunk[start..<i])
            if carried == 0 {
                try replayer.feed(piece, number: number)
            } else {
                try append(piece, line: number)
                try replayer.feed(UnsafeBufferPointer(rebasing: carry[0..<carried]), number: number)
                carried = 0
            }
            start = i + 1
        }
        try append(UnsafeBufferPointer(rebasing: chunk[start..<chunk.count]), line: number + 1)
    }

    /// Ends the file: the last line (without a line break) and the last tick.
    package mutating func finish() throws(ReplayError) {
        if carried > 0 {
            number += 1
            try replayer.feed(UnsafeBufferPointer(rebasing: carry[0..<carried]), number: number)
            carried = 0
        }
        try replayer.finish()
    }

    /// Appends `piece` to the carried part of a line; a line that does not fit is too long.
    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>, line: Int) throws(ReplayError) {
        guard carried + piece.count <= carry.count else {
            throw ReplayError(line: line, message: "the line is longer than \(Replayer.maximumLineBytes) bytes")
        }
        for (k, b) in piece.enumerated() { carry[carried + k] = b }
        carried += piece.count
    }
}
