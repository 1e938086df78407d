"""The report's stylesheet, inlined into every report (a report must not fetch anything).

Kept as a Python string rather than a .css file so it ships inside the package without packaging
rules. Choices that matter to the readers:

* Big type (18 px body, 44–64 px numbers), generous spacing, one idea per block.
* Near-black ink on white; the few tints are light backgrounds only, so a black-and-white printer
  loses nothing (``print-color-adjust: exact`` keeps the tints and the dark badge when printing).
* One A4 page per task (``break-before: page``), blocks never split across pages.
* A font list that covers Latin, German umlauts and Chinese on Linux, Windows and macOS; Chinese
  text gets Chinese fonts first so its punctuation and glyphs look right.
"""

CSS = """
@page { size: A4; margin: 12mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: #e9edf2; color: #111820;
  font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", "Helvetica Neue", Arial,
               "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 18px; line-height: 1.45;
}
:lang(zh) body, body:lang(zh) {
  font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
               "PingFang SC", "DejaVu Sans", sans-serif;
}
.page {
  max-width: 860px; margin: 24px auto; padding: 36px 44px 28px; background: #fff;
  border-radius: 18px; box-shadow: 0 2px 10px rgba(20, 30, 45, .12);
}
h1, h2, h3, p { margin: 0; }
img { display: block; object-fit: cover; background: #e6e9ee; }

.person { display: flex; align-items: center; gap: 28px; }
.photo, .initial { width: 128px; height: 128px; border-radius: 50%; flex: none; }
.photo { border: 4px solid #111820; }
.initial {
  display: flex; align-items: center; justify-content: center; background: #dfe5ec;
  border: 4px solid #111820; font-size: 60px; font-weight: 700;
}
.kicker { font-size: 20px; color: #4a5562; text-transform: uppercase; letter-spacing: .08em; }
:lang(zh) .kicker { letter-spacing: .2em; }
h1 { font-size: 50px; line-height: 1.1; overflow-wrap: anywhere; }
h1.long { font-size: 36px; }
.period { font-size: 20px; color: #39434f; margin-top: 6px; }

.summary {
  margin: 28px 0 22px; padding: 20px 26px; background: #f3f6f9; border-left: 8px solid #111820;
  border-radius: 10px; font-size: 24px; line-height: 1.5;
}
.summary p + p { margin-top: 6px; }

.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
.tile {
  border: 3px solid #111820; border-radius: 14px; padding: 14px 12px 16px; text-align: center;
  break-inside: avoid;
}
.tile svg { width: 42px; height: 42px; display: block; margin: 0 auto 4px; }
.big { display: block; font-size: 60px; font-weight: 800; line-height: 1.05; }
.word { display: block; font-size: 21px; font-weight: 600; }
.note { margin-top: 14px; font-size: 17px; color: #39434f; }

h2 { font-size: 30px; margin: 30px 0 12px; }
.overview { list-style: none; margin: 0; padding: 0; }
.overview li {
  display: flex; align-items: center; gap: 18px; padding: 10px 0; border-top: 2px solid #dde2e8;
  break-inside: avoid;
}
.overview li:last-child { border-bottom: 2px solid #dde2e8; }
.overview img { width: 76px; height: 76px; border-radius: 10px; flex: none; }
.overview .name { flex: 1; font-size: 22px; font-weight: 700; overflow-wrap: anywhere; }
.overview .gone { display: block; font-size: 15px; font-weight: 400; color: #4a5562; }
.overview .figure { font-size: 17px; text-align: right; min-width: 120px; }
.overview .figure b { font-size: 26px; display: block; line-height: 1.1; }
.overview .badge-cell { width: 150px; flex: none; display: flex; justify-content: flex-end; }

.badge {
  display: inline-flex; align-items: center; gap: 8px; padding: 6px 16px 6px 10px;
  background: #111820; color: #fff; border-radius: 999px; font-size: 21px; font-weight: 700;
  white-space: nowrap;
}
.badge svg { width: 26px; height: 26px; flex: none; }
.badge.small { font-size: 17px; padding: 4px 12px 4px 8px; }
.badge.small svg { width: 20px; height: 20px; }
.learned-line { display: flex; align-items: center; flex-wrap: wrap; gap: 6px 14px; }
.learned-on { font-size: 16px; color: #39434f; }

.task-head { display: flex; align-items: flex-start; gap: 26px; }
.task-pic { width: 190px; height: 190px; border-radius: 16px; flex: none; border: 3px solid #111820; }
.task-title { flex: 1; min-width: 0; }
.task-head h2 { margin: 0 0 8px; font-size: 38px; line-height: 1.15; overflow-wrap: anywhere; }
.gone-note { font-size: 17px; color: #39434f; margin-bottom: 8px; }
.task-numbers { display: flex; gap: 14px; margin-top: 14px; }
.task-numbers .tile { flex: 1; text-align: left; padding: 6px 16px 8px; }
.task-numbers .big { font-size: 46px; }
.stopped { display: block; font-size: 15px; color: #39434f; line-height: 1.2; margin-top: 4px; }
.chart-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin: 22px 0 4px; }
h3 { font-size: 22px; margin: 0; }
figure { margin: 0; break-inside: avoid; }
.chart { display: block; width: 100%; height: auto; }
.legend { font-size: 15px; color: #39434f; display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.legend svg { width: 18px; height: 18px; }

.help-block { break-inside: avoid; }
.help-block h3 { margin: 22px 0 4px; }
.help { list-style: none; margin: 8px 0 0; padding: 0; display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
.help li { border: 2px solid #c4ccd6; border-radius: 14px; padding: 10px; break-inside: avoid; }
.help img { width: 100%; aspect-ratio: 4 / 3; border-radius: 8px; }
.step-no { font-size: 19px; font-weight: 800; margin-top: 8px; }
.step-text { font-size: 17px; }
.help-count { font-size: 16px; margin-top: 6px; padding-top: 6px; border-top: 2px dotted #9aa4b0; }
.help-count b { font-size: 22px; }
.no-help { display: flex; align-items: center; gap: 10px; font-size: 21px; font-weight: 600; margin-top: 6px; }
.no-help svg { width: 32px; height: 32px; }

.empty { text-align: center; padding: 50px 20px 30px; }
.empty svg { width: 110px; height: 110px; }
.empty h2 { font-size: 40px; margin: 18px 0 10px; }
.empty p { font-size: 24px; }

footer { margin-top: 26px; font-size: 14px; color: #5b6470; }

@media (max-width: 640px) {
  .page { padding: 22px 18px; margin: 0; border-radius: 0; }
  .tiles { grid-template-columns: 1fr; }
  .help { grid-template-columns: 1fr 1fr; }
  .overview .badge-cell { display: none; }
}

@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 16px; }
  .page { max-width: none; margin: 0; padding: 0; border-radius: 0; box-shadow: none; }
  .page + .page { break-before: page; }
  .summary { font-size: 21px; }
  .task-pic { width: 150px; height: 150px; }
  .task-head h2 { font-size: 32px; margin-bottom: 6px; }
  .task-numbers { margin-top: 10px; }
  .task-numbers .tile { padding: 2px 14px 6px; }
  .task-numbers .big { font-size: 40px; }
  .chart-head { margin-top: 14px; }
  h3 { font-size: 20px; }
  .help-block h3 { margin-top: 14px; }
  .help { gap: 12px; }
  .help li { padding: 8px; }
  .help img { aspect-ratio: 2 / 1; }
  .step-no { margin-top: 4px; }
  footer { margin-top: 16px; }
}
"""
