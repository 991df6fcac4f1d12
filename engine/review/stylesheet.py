"""The review pack's one stylesheet: printed pages (A4 or letter, diagram pages landscape when they need it)
and a readable screen page, with no font or file fetched from anywhere."""

from __future__ import annotations

from engine.review.source import PageSize

__all__ = ["stylesheet"]

_CSS = """
@page { size: %(size)s; margin: 16mm 14mm 16mm 14mm;
  @bottom-left { content: "%(footer)s"; font: 7.5pt "DejaVu Sans", sans-serif; color: #607d8b; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 7.5pt "DejaVu Sans", sans-serif;
                  color: #607d8b; } }
@page landscape { size: %(size)s landscape; margin: 12mm; }
@page portrait { size: %(size)s; margin: 12mm; }
html { font: 9pt/1.35 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #263238; }
body { margin: 0; }
h1 { font-size: 22pt; margin: 4mm 0 6mm; line-height: 1.15; }
h2 { font-size: 13pt; margin: 0 0 3mm; border-bottom: 1.5px solid #90a4ae; padding-bottom: 1mm; }
h2 .where { font-size: 9pt; font-weight: normal; color: #546e7a; margin-left: 3mm; }
h3 { font-size: 10pt; margin: 5mm 0 2mm; }
section { break-before: page; }
section.cover { break-before: auto; }
#agents, #policies, #findings, #changes { break-before: auto; margin-top: 9mm; }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; color: #546e7a; margin: 18mm 0 0; font-size: 9pt; }
table { width: 100%%; border-collapse: collapse; font-size: 7.6pt; margin-bottom: 3mm; }
table.fixed { table-layout: fixed; }
th, td { border: 0.6px solid #b0bec5; padding: 1.2mm 1.4mm; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
.nobr { white-space: nowrap; }
thead th { background: #eceff1; }
tr { break-inside: avoid; }
table.facts { width: auto; font-size: 9pt; }
table.facts th { background: #eceff1; width: 42mm; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.95em; overflow-wrap: break-word; }
.note { color: #607d8b; font-size: 0.95em; }
.none { color: #607d8b; font-style: italic; }
.description { white-space: pre-line; }
.contents li { margin: 0.6mm 0; }
a { color: inherit; text-decoration: none; }
.sev-error { color: #c62828; font-weight: bold; }
.sev-warning { color: #ef6c00; font-weight: bold; }
.chg-added { color: #2e7d32; font-weight: bold; }
.chg-removed { color: #c62828; font-weight: bold; }
.chg-changed, .chg-renamed { color: #e65100; font-weight: bold; }
.old { color: #8d6e63; }
.new { color: #1b5e20; }
.diagram-page.landscape { page: landscape; }
.diagram-page.portrait { page: portrait; }
.diagram-page .frame { text-align: center; }
.diagram-page .frame svg { display: inline-block; }
.continues { font-size: 8pt; color: #546e7a; text-align: right; margin: 1mm 0; min-height: 3mm; }
.legend { font-size: 7.5pt; line-height: 1.6; border-top: 0.6px solid #cfd8dc; padding-top: 1mm; }
.legend .key { display: inline-block; margin-right: 3.5mm; white-space: nowrap; }
.swatch { display: inline-block; width: 4mm; height: 2.6mm; border: 1.2px solid #546e7a; margin-right: 1mm;
          vertical-align: -0.3mm; border-radius: 0.6mm; }
.swatch.choice { transform: rotate(45deg) scale(0.7); }
.swatch.final_success, .swatch.final_failure { border-style: double; border-width: 2.4px; }
.swatch.final_failure { border-radius: 0; }
.swatch.wait { border-style: dashed; border-radius: 50%%; }
.line { display: inline-block; width: 7mm; margin-right: 1mm; border-top: 1.3px solid #546e7a;
        vertical-align: 0.6mm; }
.line.dashed { border-top-style: dashed; }
.line.path { border-top: 2.4px solid #ff6f00; }
.signoff table td.blank { height: 11mm; }
.signoff table td { font-size: 8pt; }
.comments { border: 0.6px solid #b0bec5; height: 40mm; }
@media screen {
  body { max-width: 1180px; margin: 24px auto; padding: 0 16px; }
  section { margin-top: 36px; }
  .diagram-whole .scroll { overflow: auto; border: 1px solid #cfd8dc; }
  .diagram-whole svg { max-width: 100%%; height: auto; }
}
"""


def stylesheet(page: PageSize, footer: str) -> str:
    size = "A4" if page == "A4" else "letter"
    safe = footer.replace("\\", "").replace('"', "'")
    return _CSS % {"size": size, "footer": safe}
