"""The cover, the validation findings, the changes since the version signed last, and the sign-off block."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from engine.render import all_states
from engine.review.changes import Changes
from engine.review.html_parts import Markup, code, section, table, text
from engine.review.source import ReviewSource, content_fingerprint

__all__ = ["CONTENTS", "changes_section", "cover", "findings_section", "signoff_section"]

CONTENTS = (
    ("diagram", "Diagram"),
    ("states", "States"),
    ("agents", "Agents and their policies"),
    ("transitions", "Transitions"),
    ("policies", "Policies, budgets and schedules"),
    ("findings", "Validation findings"),
    ("changes", "Changes"),
    ("signoff", "Sign-off"),
)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip() if moment else "—"


def cover(source: ReviewSource, changes: Changes | None) -> Markup:
    wf = source.workflow
    kinds = Counter(s.type for s in all_states(wf).values())
    severities = Counter(f.severity for f in source.findings)
    facts = [
        ("Workflow", code(wf.id)),
        ("Version", f"{wf.version}"),
        ("Published by", source.published_by or ("not published" if source.published_at is None else "unknown")),
        ("Published", _when(source.published_at)),
        ("Compared with", f"version {source.previous.version}" if source.previous else "nothing (reviewed whole)"),
        ("Generated", _when(source.generated_at)),
        ("Source", source.origin or "—"),
        ("Content fingerprint", code(content_fingerprint(wf))),
    ]
    rows = "".join(f"<tr><th>{text(k)}</th><td>{text(v)}</td></tr>" for k, v in facts)
    summary = (f"{sum(kinds.values())} states ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); "
               f"{len(wf.transitions)} transitions; {len(wf.policies)} policies; {len(wf.schedules)} schedules; "
               f"{severities.get('error', 0)} errors and {severities.get('warning', 0)} warnings found"
               + (f"; {len(changes.rows)} changes since version {changes.from_version}" if changes else ""))
    contents = "".join(f'<li><a href="#{a}">{text(t)}</a></li>' for a, t in CONTENTS)
    return Markup(
        '<section class="cover" id="cover">'
        f'<p class="kicker">Workflow review pack</p><h1>{text(wf.title)}</h1>'
        f'<table class="facts">{rows}</table>'
        f'<h3>What it does</h3><p class="description">{text(wf.description or "No description given.")}</p>'
        f"<h3>In numbers</h3><p>{text(summary)}</p>"
        f'<h3>Contents</h3><ol class="contents">{contents}</ol></section>'
    )


def findings_section(source: ReviewSource) -> Markup:
    order = {"error": 0, "warning": 1}
    found = sorted(source.findings, key=lambda f: (order.get(f.severity, 2), f.pointer))
    rows = [(Markup(f'<span class="sev-{f.severity}">{text(f.severity)}</span>'), code(f.code),
             Markup(code(f.pointer or "/") + (f"<br>{text(', '.join(f.states))}" if f.states else "")), f.message)
            for f in found]
    intro = Markup("<p>What the validator reports for this version, warnings included.</p>")
    if not rows:
        return section("findings", "Validation findings", Markup("<p>No findings: no errors, no warnings.</p>"))
    found_table = table(("Severity", "Code", "Where", "Finding"), rows, widths=(9, 17, 24, 50))
    return section("findings", "Validation findings", intro, found_table)


def changes_section(changes: Changes | None) -> Markup:
    if changes is None:
        body = Markup("<p>No earlier version was given, so this pack reviews the workflow as a whole.</p>")
        return section("changes", "Changes", body)
    title = f"Changes since version {changes.from_version}"
    if not changes.rows:
        return section("changes", title, Markup(f"<p>None: version {changes.to_version} has the same states, "
                                                "transitions and settings (the layout aside).</p>"))
    rows = [(Markup(f'<span class="chg-{r.kind}">{text(r.kind)}</span>'), r.subject, r.field or "—",
             Markup(f'<span class="old">{text(r.old)}</span>'), Markup(f'<span class="new">{text(r.new)}</span>'))
            for r in changes.rows]
    headers = ("Change", "What", "Field", f"Was (v{changes.from_version})", f"Now (v{changes.to_version})")
    legend = Markup("<p>Added and changed states and transitions are outlined on the diagram "
                    '(<span class="chg-added">green: new</span>, <span class="chg-changed">orange: changed</span>, '
                    "a state renamed with its old id); removed ones appear only here.</p>")
    return section("changes", title, legend, table(headers, rows, css="changes", widths=(10, 26, 14, 25, 25)))


def signoff_section(source: ReviewSource) -> Markup:
    wf = source.workflow
    statement = (f"I have reviewed workflow {wf.id} version {wf.version} "
                 f"(content fingerprint {content_fingerprint(wf)}) as described in this pack.")
    decision = "☐ approve &nbsp; ☐ approve with changes &nbsp; ☐ reject"
    blank = '<td class="blank"></td>'
    rows = "".join(f"<tr>{blank * 3}<td>{decision}</td>{blank}</tr>" for _ in range(3))
    return Markup(
        '<section id="signoff" class="signoff"><h2>Sign-off</h2>'
        f"<p>{text(statement)}</p>"
        '<table class="signoff"><thead><tr><th>Name</th><th>Role</th><th>Date</th><th>Decision</th>'
        f"<th>Signature</th></tr></thead><tbody>{rows}</tbody></table>"
        '<p class="note">Conditions or comments:</p><div class="comments"></div></section>'
    )
