import Testing
@testable import GlidepathCLI

/// What `status --watch` and `demo` write per fetch: whole frames on a terminal, changes only when piped.
@Suite struct WatchPrinterTests {
    @Test func aTerminalGetsTheWholeFrameUnderTheBannerEveryTime() {
        var p = WatchPrinter(tty: true, server: "http://s", banner: "URLS\n")
        let s = [WatchViewTests.status()]
        let frame = "\u{1B}[H\u{1B}[2JURLS\n" + WatchView.frame(s, at: "T1", server: "http://s")
        #expect(p.render(s, at: "T1") == frame)
        #expect(p.render(s, at: "T1") == frame)
        #expect(p.render(error: "refused", at: "T2") == "\u{1B}[H\u{1B}[2JURLS\nT2 controller at http://s did not answer: refused\n")
    }

    @Test func pipedOutputAppendsAMigrationOnlyWhenItsViewChanged() {
        var p = WatchPrinter(tty: false, server: "http://s", banner: "not repeated")
        let first = p.render([WatchViewTests.status(elapsed: 100)], at: "T1")
        #expect(first == "T1\n" + WatchView.lines(WatchViewTests.status(elapsed: 100)).joined(separator: "\n") + "\n")
        // Only the bake countdown moved: nothing new.
        #expect(p.render([WatchViewTests.status(elapsed: 110)], at: "T2") == "")
        let promoted = WatchViewTests.status(state: "promoted", step: 3, weight: 100)
        #expect(p.render([promoted], at: "T3") == "T3\n" + WatchView.lines(promoted).joined(separator: "\n") + "\n")
    }

    @Test func pipedOutputReportsAnErrorOncePerDistinctError() {
        var p = WatchPrinter(tty: false, server: "http://s")
        #expect(p.render(error: "refused", at: "T1") == "T1 controller at http://s did not answer: refused\n")
        #expect(p.render(error: "refused", at: "T2") == "")
        #expect(p.render(error: "timed out", at: "T3") == "T3 controller at http://s did not answer: timed out\n")
        _ = p.render([], at: "T4")
        #expect(p.render(error: "timed out", at: "T5") == "T5 controller at http://s did not answer: timed out\n")
    }
}
