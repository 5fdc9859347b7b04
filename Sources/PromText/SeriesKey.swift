/// Series identity bytes, hashed in one call rather than byte by byte as `[UInt8]` would be.
struct SeriesKey: Hashable {
    var bytes: [UInt8]
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
