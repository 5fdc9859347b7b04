import Foundation
import GlidepathCore

/// Reads the migrations whose policy names an external source (`scrape`, `prometheus`), off the control
/// loop's thread: a due migration's read starts on a thread of its own and the loop carries on; a later
/// round collects the reading. A hanging target costs its own migration at most the policy's timeout and
/// never delays another migration's tick.
///
/// Per migration it keeps the cumulative counters built from the source (`ScrapeAccumulator`, or the sum
/// of Prometheus increases), at most one read in flight, and at most one read per interval (also after a
/// failure, so a dead target is not hammered). State is dropped when the migration's arms, mapping or
/// source change, and when nobody asked for it for an hour.
package final class ExternalMetricsSource: @unchecked Sendable {
    /// Reads in flight at once, over every migration; past it a due migration waits for a free slot.
    package static let maxInFlight = 16
    /// A migration nobody asked about for this long is forgotten.
    package static let forgetAfterMs: Int64 = 3_600_000
    /// Bounds of a Prometheus read's window.
    package static let windowBoundsMs: ClosedRange<Int64> = 1_000...3_600_000

    private struct Key: Hashable {
        var metrics: MetricsSpec
        var custom: [CounterRef]
        var baseline: String
        var candidate: String
    }

    private struct Slot {
        var key: Key
        var generation: Int
        var inFlight = false
        var lastStart: Int64?
        /// When the last successful Prometheus read started: the next window starts there.
        var lastGoodStart: Int64?
        var ready: MetricsReading?
        var latest: MetricsReading?
        var scrape: ScrapeAccumulator
        var total: SourceVector
        var lastAsked: Int64
    }

    private struct Job {
        var migration: String
        var generation: Int
        var key: Key
        var started: Int64
        var windowMs: Int64
        var scrape: ScrapeAccumulator
        var total: SourceVector
    }

    private let lock = NSLock()
    private let clock: @Sendable () -> Int64
    private let inline: Bool
    private var slots: [String: Slot] = [:]
    private var inFlight = 0
    private var generations = 0

    /// `inline` runs reads on the caller's thread and answers them at once (tests); `clock` is the
    /// monotonic clock in milliseconds.
    package init(inline: Bool = false, clock: @escaping @Sendable () -> Int64 = { SystemTimeSource.monotonic() }) {
        self.inline = inline
        self.clock = clock
    }

    /// Readings for `queries` (all with an external source): a finished read not handed out yet, or
    /// `.pending` (a read was started, is in flight, or the last one was less than an interval ago). A query
    /// that is not `due` gets the last counts, and starts nothing.
    package func read(_ queries: [MetricsQuery]) -> [String: MetricsReading] {
        let now = clock()
        var out: [String: MetricsReading] = [:]
        var jobs: [Job] = []
        lock.withLock {
            for q in queries where q.metrics.isExternal {
                let key = Key(metrics: q.metrics, custom: q.custom, baseline: q.baseline, candidate: q.candidate)
                var slot: Slot
                if let s = slots[q.migration], s.key == key { slot = s } else {
                    generations += 1
                    slot = Slot(key: key, generation: generations, scrape: ScrapeAccumulator(customCount: q.custom.count),
                                total: SourceVector(customCount: q.custom.count), lastAsked: now)
                }
                slot.lastAsked = now
                if !q.due {
                    out[q.migration] = slot.latest ?? .pending
                } else if let r = slot.ready {
                    out[q.migration] = r
                    slot.ready = nil
                } else {
                    out[q.migration] = .pending
                    let rested = slot.lastStart.map { now - $0 >= q.interval.milliseconds } ?? true
                    if !slot.inFlight, rested, inFlight < Self.maxInFlight {
                        slot.inFlight = true
                        slot.lastStart = now
                        inFlight += 1
                        let window = slot.lastGoodStart.map { now - $0 } ?? q.interval.milliseconds
                        jobs.append(Job(migration: q.migration, generation: slot.generation, key: key, started: now,
                                        windowMs: min(max(window, Self.windowBoundsMs.lowerBound), Self.windowBoundsMs.upperBound),
                                        scrape: slot.scrape, total: slot.total))
                    }
                }
                slots[q.migration] = slot
            }
            slots = slots.filter { now - $0.value.lastAsked < Self.forgetAfterMs }
        }
        if inline {
            for job in jobs { perform(job) }
            lock.withLock {
                for job in jobs {
                    guard var slot = slots[job.migration], let r = slot.ready else { continue }
                    out[job.migration] = r
                    slot.ready = nil
                    slots[job.migration] = slot
                }
            }
        } else {
            for job in jobs {
                let t = Thread { [self] in perform(job) }
                t.name = "glidepath-source-\(job.migration)"
                t.start()
            }
        }
        return out
    }

    /// Reads in flight now (tests, metrics).
    package var readsInFlight: Int { lock.withLock { inFlight } }

    private func perform(_ job: Job) {
        var scrape = job.scrape
        var total = job.total
        let timeout = job.key.metrics.timeout.seconds
        var reading = MetricsReading.failed("metrics source: no mapping")
        if let mapping = job.key.metrics.mapping {
            let extraction = MappedExtraction(mapping: mapping, custom: job.key.custom, baseline: job.key.baseline,
                                              candidate: job.key.candidate)
            switch job.key.metrics.source {
            case .own: break
            case .scrape(let targets):
                reading = ScrapeRead.read(targets: targets, extraction: extraction, timeout: timeout, into: &scrape)
            case .prometheus(let url):
                reading = PrometheusRead.read(url: url, extraction: extraction, windowMs: job.windowMs, timeout: timeout,
                                              into: &total)
            }
        }
        lock.withLock {
            inFlight -= 1
            guard var slot = slots[job.migration], slot.generation == job.generation else { return }
            slot.inFlight = false
            slot.scrape = scrape
            slot.total = total
            slot.ready = reading
            if case .counts = reading {
                slot.latest = reading
                slot.lastGoodStart = job.started
            }
            slots[job.migration] = slot
        }
    }
}
