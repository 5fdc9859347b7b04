extension StatusPage {
    /// The page's only style sheet, inline. Baseline is slate blue, candidate orange, everywhere (bars,
    /// chart lines, legends); states have one colour each.
    static let style = """
    :root{--bg:#f5f6f8;--card:#fff;--ink:#1f2933;--muted:#66727f;--line:#e3e7eb;--baseline:#52698c;\
    --candidate:#e8780c;--ok:#2f855a;--warn:#b7791f;--bad:#c53030;--info:#2b6cb0}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,\
    "Helvetica Neue","DejaVu Sans",Arial,sans-serif}
    a{color:var(--info)}
    code{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;background:#eef1f4;padding:1px 4px;border-radius:3px}
    header.top{display:flex;align-items:baseline;gap:12px;padding:10px 24px;background:#1f2933;color:#fff}
    header.top>a{color:#fff;text-decoration:none;font-weight:700;font-size:16px;letter-spacing:.02em}
    header.top .muted-inv{color:#9aa5b1;font-size:13px}
    header.top .meta{margin-left:auto;color:#cbd2d9;font-size:12px}
    header.top .meta a{color:#fff}
    main{max-width:1180px;margin:0 auto;padding:14px 24px 32px}
    h1{font-size:21px;margin:6px 0 2px;display:flex;align-items:center;gap:10px;flex-wrap:wrap}
    .sub{color:var(--muted);font-size:13px;margin:0 0 4px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:12px 0}
    .card h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 10px;font-weight:600}
    .row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
    .row>.card{margin:0}
    .muted{color:var(--muted)}
    .small{font-size:12px}
    .badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;\
    white-space:nowrap;vertical-align:middle}
    .badge.ramping{background:var(--info)}.badge.waiting{background:var(--warn)}.badge.paused{background:#718096}
    .badge.promoted{background:var(--ok)}.badge.rolled_back{background:var(--bad)}.badge.broken{background:#742a2a}
    .wbar{display:flex;height:24px;border-radius:4px;overflow:hidden;background:var(--line)}
    .wbar.compact{height:14px;width:150px;flex:none}
    .wbar span{display:block;color:#fff;font-size:12px;font-weight:600;line-height:24px;padding:0 8px;white-space:nowrap;overflow:hidden}
    .wbar .b{background:var(--baseline)}.wbar .c{background:var(--candidate);text-align:right}
    .wcell{display:flex;align-items:center;gap:8px}.wtext{font-variant-numeric:tabular-nums;font-size:13px}
    .legend{margin-top:8px}
    .key{display:inline-flex;align-items:center;gap:6px;margin-right:18px;font-size:13px}
    .sw{width:12px;height:12px;border-radius:2px;display:inline-block}
    .sw.baseline{background:var(--baseline)}.sw.candidate{background:var(--candidate)}
    table{border-collapse:collapse;width:100%}
    th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-size:12px;color:var(--muted);font-weight:600}
    tbody tr:last-child td{border-bottom:none}
    .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    a.name{font-weight:600;text-decoration:none}
    td.time{white-space:nowrap;font-variant-numeric:tabular-nums;width:1%}
    td.judge{max-width:480px}
    .clip{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;font-size:13px}
    .rule{font-size:12px;font-weight:600;color:var(--info);white-space:nowrap}
    .rule.rollback{color:var(--bad)}.rule.advance{color:var(--ok)}
    .steps{display:flex;gap:8px;flex-wrap:wrap}
    .step{flex:1;min-width:120px;border:1px solid var(--line);border-radius:6px;padding:7px 9px;background:#fafbfc}
    .step .w{font-weight:700;font-size:16px}.step .d{font-size:12px;color:var(--muted)}
    .step.done{border-color:#b7dfc9;background:#f1f8f4}.step.done .w::after{content:" ✓";color:var(--ok)}
    .step.current{border-color:var(--info);box-shadow:inset 0 0 0 1px var(--info);background:#fff}
    .step.failed{border-color:var(--bad);box-shadow:inset 0 0 0 1px var(--bad);background:#fdf3f3}
    .progress{height:6px;background:var(--line);border-radius:3px;margin-top:6px;overflow:hidden}
    .progress i{display:block;height:100%;background:var(--info)}
    .verdict{margin-top:12px;padding:9px 12px;border-left:4px solid var(--info);background:#f3f7fb;border-radius:0 6px 6px 0}
    .verdict.rollback{border-color:var(--bad);background:#fdf3f3}.verdict.advance{border-color:var(--ok);background:#f1f8f4}
    .verdict .what{font-weight:600}
    .charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px 22px}
    .chart h3{font-size:13px;margin:0;font-weight:600}
    .chart .now{font-size:12px;color:var(--muted);margin-bottom:2px;font-variant-numeric:tabular-nums}
    svg.chart{width:100%;height:auto;display:block}
    svg .grid{stroke:#edf0f3;stroke-width:1}svg .grid.axis{stroke:#c3cad2}
    svg .tick{font-size:11px;fill:#7b8794}
    svg .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
    svg .line.baseline{stroke:var(--baseline)}svg .line.candidate{stroke:var(--candidate)}
    svg .dot.baseline{fill:var(--baseline)}svg .dot.candidate{fill:var(--candidate)}
    svg .marker{stroke:#9aa5b1;stroke-width:1;stroke-dasharray:3 3}
    svg .empty{font-size:12px;fill:#9aa5b1}
    .meter{position:relative;height:10px;width:100%;min-width:140px;background:var(--line);border-radius:5px}
    .meter i{position:absolute;left:0;top:0;bottom:0;border-radius:5px;background:var(--info)}
    .meter.ok i{background:var(--ok)}.meter.bad i{background:var(--bad)}.meter.warn i{background:var(--warn)}
    .meter.info i{background:#a0aab5}
    .meter b{position:absolute;top:-3px;bottom:-3px;width:2px;background:var(--ink)}
    td.m{width:26%}
    .ev td{font-size:13px}
    details summary{cursor:pointer;color:var(--muted);font-size:12px}
    .note{font-size:12px;color:var(--muted);margin:8px 0 0}
    .action{font-weight:600;white-space:nowrap}
    .action.rollback{color:var(--bad)}.action.promote,.action.advance{color:var(--ok)}.action.wait,.action.pause{color:var(--warn)}
    footer{color:var(--muted);font-size:12px;margin-top:18px}
    @media (max-width:800px){.charts,.row{grid-template-columns:1fr}}
    """
}
