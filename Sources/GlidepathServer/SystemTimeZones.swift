import Foundation
import GlidepathCore

/// The system's tz database (zoneinfo) through Foundation's `TimeZone`: what a policy's `schedule.timezone`
/// names and the offsets the calendar needs.
package struct SystemTimeZones: TimeZoneResolver {
    package init() {}

    package func rules(named name: String) -> (any TimeZoneRules)? {
        guard !name.isEmpty, name.utf8.count <= 64, let zone = TimeZone(identifier: name) else { return nil }
        return Rules(zone: zone)
    }

    struct Rules: TimeZoneRules, @unchecked Sendable {
        let zone: TimeZone
        func offsetSeconds(atUTC milliseconds: Int64) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }
    }
}
