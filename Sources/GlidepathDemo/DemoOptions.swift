/// How `glidepath demo` runs: where its controller listens, how fast it goes, whether it stays up after
/// the outcome. Parsed (and checked) by the command line.
package struct DemoOptions: Equatable, Sendable {
    /// A loopback address: the demo's controller runs without tokens.
    package var host: String
    /// 0 picks a free port.
    package var port: UInt16
    /// Keep the controller (and the traffic) running after the outcome until Ctrl-C.
    package var keep: Bool
    /// Traffic × speed, bakes ÷ speed (never below the 1 s policy minimum): about a minute at 1.
    package var speed: Double

    /// The speeds the demo's policies and traffic are checked for.
    package static let speeds: ClosedRange<Double> = 0.5...4

    package init(host: String = "127.0.0.1", port: UInt16 = 0, keep: Bool = false, speed: Double = 1) {
        self.host = host
        self.port = port
        self.keep = keep
        self.speed = speed
    }
}
