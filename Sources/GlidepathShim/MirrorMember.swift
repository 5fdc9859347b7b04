import Foundation

/// The weights document's `mirror` member (a percentage like the weights, 0...100), decoded apart from the
/// rest: missing means no mirroring; anything but a number in range is a `problem` naming the member,
/// which makes the whole document invalid.
struct MirrorMember: Decodable {
    var basisPoints = 0
    var problem: String?

    private enum Key: String, CodingKey { case mirror }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard c.contains(.mirror) else { return }
        let value = (try? c.decodeNil(forKey: .mirror)) == true ? nil
            : ((try? c.decode(Bool.self, forKey: .mirror)) != nil ? nil : try? c.decode(Double.self, forKey: .mirror))
        guard let value, value.isFinite, (0...100).contains(value) else {
            problem = "mirror must be a percentage within 0...100"
            return
        }
        basisPoints = Int((value * 100).rounded())
    }
}

/// Mirrored calls of one shim: how many run now (at most `GlidepathShim.maxMirrorsInFlight`), and totals.
struct MirrorCounters {
    var inFlight = 0
    var started = 0
    var dropped = 0
}
