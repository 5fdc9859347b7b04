import GlidepathDemo
import GlidepathServer

extension CommandLineArguments {
    /// `glidepath demo` options: `--listen HOST:PORT` on a loopback address (the demo's controller has no
    /// tokens; port 0, the default, picks a free one), `--speed` a decimal within `DemoOptions.speeds`,
    /// `--keep` to leave the controller up after the outcome.
    static func demoOptions(values: [String: String], keep: Bool) throws(UsageError) -> DemoOptions {
        var options = DemoOptions(keep: keep)
        if let text = values["--listen"] {
            let host: String, port: UInt16
            do { (host, port) = try ServeConfig.parseListen(text) } catch { throw UsageError("demo: \(error.message)") }
            guard ServeConfig.isLoopback(host) else {
                throw UsageError("demo: --listen must be a loopback address (127.0.0.1, ::1, localhost): "
                    + "the demo's controller runs without tokens; got \"\(text)\"")
            }
            options.host = host
            options.port = port
        }
        if let text = values["--speed"] {
            let range = DemoOptions.speeds
            guard let speed = positiveDecimal(text), range.contains(speed) else {
                throw UsageError("demo: --speed must be a number from \(trim(range.lowerBound)) to \(trim(range.upperBound)), "
                    + "like 2, got \"\(text)\"")
            }
            options.speed = speed
        }
        return options
    }

    /// `0.5`, `4` (no `.0`).
    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
