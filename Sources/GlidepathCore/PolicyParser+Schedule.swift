extension PolicyParser {
    package static let scheduleKeys = ["timezone", "advance", "blackout"]
    package static let windowKeys = ["days", "hours"]
    /// Windows per list (`advance`, `blackout`).
    package static let maxWindows = 32
    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// `schedule`: `{"timezone": "Asia/Bangkok", "advance": [{"days": "Mon-Fri", "hours": "09:00-17:00"}],
    /// "blackout": [{"hours": "09:00-11:00"}]}`. The zone must be known to the resolver (when one is given).
    static func readSchedule(_ value: JSONValue, _ c: inout Context) -> Schedule? {
        guard let object = c.object(value, path: "schedule", keys: scheduleKeys) else { return nil }
        let timezone = c.required(object, "timezone").flatMap { readZone($0, path: object.path("timezone"), &c) }
        let advance = c.optional(object, "advance").map { readWindows($0, path: object.path("advance"), daysRequired: true, &c) }
        let blackout = c.optional(object, "blackout").map { readWindows($0, path: object.path("blackout"), daysRequired: false, &c) }
        guard let timezone, advance != .some(nil), blackout != .some(nil) else { return nil }
        let schedule = Schedule(timezone: timezone, advance: (advance ?? []) ?? [], blackout: (blackout ?? []) ?? [])
        // A schedule that never allows an advance would hold every migration forever.
        if !(0..<7).contains(where: { d in (0..<1440).contains { schedule.allows(localMilliseconds: Int64(d + 4) * 86_400_000 + Int64($0) * 60_000) } }) {
            c.report("schedule", "the blackouts cover every advance window: no advance could ever happen",
                     at: value.position)
            return nil
        }
        return schedule
    }

    static func readZone(_ value: JSONValue, path: String, _ c: inout Context) -> String? {
        guard let name = c.string(value, path: path) else { return nil }
        let scalars = Array(name.unicodeScalars)
        let plausible = (1...64).contains(scalars.count) && scalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "/" || $0 == "_" || $0 == "-" || $0 == "+"
        }
        guard plausible, c.zones.map({ $0.rules(named: name) != nil }) ?? true else {
            c.report(path, "unknown time zone \(jsonQuoted(name)); use an IANA name from the system's tz database "
                     + "such as \"Asia/Bangkok\" or \"UTC\"", at: value.position)
            return nil
        }
        return name
    }

    static func readWindows(_ value: JSONValue, path: String, daysRequired: Bool, _ c: inout Context) -> [CalendarWindow]? {
        guard let elements = value.elements else {
            c.report(path, "expected an array, found \(value.typeName)", at: value.position)
            return nil
        }
        guard !elements.isEmpty, elements.count <= maxWindows else {
            c.report(path, "must have 1 to \(maxWindows) windows, found \(elements.count)", at: value.position)
            return nil
        }
        var out: [CalendarWindow] = []
        var ok = true
        for (i, element) in elements.enumerated() {
            let p = PolicyParser.path(path, index: i)
            guard let object = c.object(element, path: p, keys: windowKeys) else { ok = false; continue }
            let daysValue = daysRequired ? c.required(object, "days") : c.optional(object, "days")
            var days: Set<Int>? = Set(0..<7)
            var daysText: String?
            if let daysValue {
                daysText = c.string(daysValue, path: object.path("days"))
                days = daysText.flatMap { text in
                    let parsed = parseDays(text)
                    if parsed == nil {
                        c.report(object.path("days"), "must be days like \"Mon-Fri\", \"Sat,Sun\" or \"Mon\" "
                                 + "(Mon Tue Wed Thu Fri Sat Sun), found \(jsonQuoted(text))", at: daysValue.position)
                    }
                    return parsed
                }
            } else if daysRequired {
                days = nil
            }
            let hoursValue = c.required(object, "hours")
            let hoursText = hoursValue.flatMap { c.string($0, path: object.path("hours")) }
            let span = hoursText.flatMap { text in
                let parsed = parseHours(text)
                if parsed == nil, let hoursValue {
                    c.report(object.path("hours"), "must be a span like \"09:00-17:00\" or \"22:00-02:00\" (across "
                             + "midnight), HH:MM from 00:00 to 24:00, start and end different, found \(jsonQuoted(text))",
                             at: hoursValue.position)
                }
                return parsed
            }
            guard let days, let span, let hoursText else { ok = false; continue }
            out.append(CalendarWindow(days: days, start: span.start, end: span.end, daysText: daysText,
                                      hoursText: hoursText))
        }
        return ok ? out : nil
    }

    /// `Mon-Fri`, `Sat,Sun`, `Fri-Mon` (wrapping), `Mon`: weekdays 0 (Monday) … 6 (Sunday); nil when malformed.
    package static func parseDays(_ text: String) -> Set<Int>? {
        var days = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !items.isEmpty, items.count <= 7 else { return nil }
        func day(_ s: Substring) -> Int? { weekdayNames.firstIndex { $0.lowercased() == s.lowercased() } }
        for item in items {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            switch ends.count {
            case 1:
                guard let d = day(ends[0]) else { return nil }
                days.insert(d)
            case 2:
                guard let a = day(ends[0]), let b = day(ends[1]), a != b else { return nil }
                var d = a
                while true {
                    days.insert(d)
                    if d == b { break }
                    d = (d + 1) % 7
                }
            default:
                return nil
            }
        }
        return days
    }

    /// `09:00-17:00` → minutes 540 and 1020; `22:00-02:00` crosses midnight; `00:00-24:00` is the whole day.
    package static func parseHours(_ text: String) -> (start: Int, end: Int)? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = minuteOfDay(ends[0]), let end = minuteOfDay(ends[1]),
              start != end, start < 1440 else { return nil }
        return (start, end == 0 ? 1440 : end)
    }

    static func minuteOfDay(_ s: Substring) -> Int? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), m <= 59, h <= 24, h < 24 || m == 0 else { return nil }
        return h * 60 + m
    }

    /// `steps[i].notBefore`: an RFC 3339 timestamp with an offset.
    static func readNotBefore(_ value: JSONValue, path: String, _ c: inout Context) -> NotBefore? {
        guard let text = c.string(value, path: path) else { return nil }
        guard let wall = CivilTime.parseRFC3339(text) else {
            c.report(path, "must be an RFC 3339 time with an offset such as \"2026-12-14T00:00:00+07:00\", found "
                     + jsonQuoted(text), at: value.position)
            return nil
        }
        return NotBefore(wall: wall, text: text)
    }

    /// `schedule` as the policy writes it (`timezone`, then `advance` and `blackout` when given).
    package static func render(_ schedule: Schedule) -> JSONValue {
        func windows(_ list: [CalendarWindow]) -> JSONValue {
            .array(list.map { w in
                var pairs: [(String, JSONValue)] = []
                if let d = w.daysText { pairs.append(("days", .string(d))) }
                pairs.append(("hours", .string(w.hoursText)))
                return .object(pairs)
            })
        }
        var out: [(String, JSONValue)] = [("timezone", .string(schedule.timezone))]
        if !schedule.advance.isEmpty { out.append(("advance", windows(schedule.advance))) }
        if !schedule.blackout.isEmpty { out.append(("blackout", windows(schedule.blackout))) }
        return .object(out)
    }
}
