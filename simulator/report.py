"""What a run prints: step and scenario lines, and the population summary as text and HTML."""

from html import escape

from tmverify.reasons import CODES, FLAGS

from .runner import ScenarioResult


# --- scenarios --------------------------------------------------------------------------
def scenario_lines(result: ScenarioResult) -> list[str]:
    """One line per step, then one line for the scenario."""
    lines = []
    for step in result.steps:
        if step.ok:
            lines.append(f"  ok    step {step.number}: {step.description}")
        else:
            lines.append(f"  FAIL  step {step.number}: {step.description}: expected {step.expected}, got {step.actual}")
    where = f"{result.file}" + (f" #{result.index}" if result.index > 1 else "")
    if result.error:
        lines.append(f"FAIL  {result.name} ({where}): {result.error}")
    elif result.passed:
        lines.append(f"PASS  {result.name} ({where})")
    else:
        failed = sum(1 for s in result.steps if not s.ok)
        lines.append(f"FAIL  {result.name} ({where}): {failed} of {len(result.steps)} step(s) failed")
    return lines


# --- populations ------------------------------------------------------------------------
def _table_lines(title: str, counts: dict, total: int | None = None) -> list[str]:
    lines = [title]
    if not counts:
        return [*lines, "  (none)"]
    width = max(len(str(key)) for key in counts)
    for key, n in counts.items():
        share = f"  {n * 100 / total:5.1f}%" if total else ""
        lines.append(f"  {str(key):<{width}}  {n:>8,}{share}")
    return lines


def population_lines(summary) -> list[str]:
    """The summary as plain text for the terminal."""
    people = sum(summary.people_by_outcome.values())
    lines = [f"population of {summary.size:,} people, seed {summary.seed}, on {summary.on} ({summary.policy} policy)"]
    lines += _table_lines("people by verification outcome:", summary.people_by_outcome, people)
    lines += _table_lines("verified people by method:", summary.people_by_method, people)
    lines += _table_lines("people by role:", summary.people_by_role, people)
    lines += _table_lines("people by country (top 10):", dict(list(summary.people_by_country.items())[:10]), people)
    lines.append(
        f"filings: {summary.filings_attempted:,} attempted, {summary.filings_submitted:,} submitted, "
        f"{summary.filings_blocked:,} blocked"
    )
    lines += _table_lines("blocked filings where they stopped:", summary.blocked_at)
    lines += _table_lines("blocked filings by reason code:", summary.blocked_by_reason)
    lines += _table_lines("flags raised:", summary.flags)
    lines += _table_lines("every refused step by reason code:", summary.refusals_by_reason)
    lines.append(f"fees collected: ${summary.fees_collected:,}")
    if summary.prosecution_outcomes:
        lines += _table_lines("after prosecution, submitted filings by state:", summary.prosecution_outcomes)
        lines += _table_lines("by the applicant's country:", summary.outcomes_by_country)
        lines += _table_lines("by representation at submission:", summary.outcomes_by_representation)
        lines += _table_lines("later forms filed:", summary.later_forms)
        lines.append(f"abandonments traced to an identity rule: {summary.abandoned_by_identity_rule:,}")
    return lines


def _bar_chart(title: str, counts: dict, chart_id: str) -> str:
    """A horizontal bar chart as inline SVG: readable without JavaScript or styles."""
    if not counts:
        return f"<p>{escape(title)}: none.</p>"
    rows = list(counts.items())
    biggest = max(n for _, n in rows) or 1
    label_width, bar_width, row_height = 230, 420, 24
    height = row_height * len(rows) + 8
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}" width="{label_width + bar_width + 90}" '
        f'height="{height}" viewBox="0 0 {label_width + bar_width + 90} {height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for i, (key, n) in enumerate(rows):
        y = 4 + i * row_height
        width = max(1, round(bar_width * n / biggest))
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(str(key))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="16" fill="#2b6cb0"/>')
        parts.append(f'<text x="{label_width + width + 6}" y="{y + 16}">{n:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(caption: str, head: str, rows: list[tuple], describe=None) -> str:
    """An HTML table: a row per (key, its cells), then what the key means when `describe` says."""
    if describe:
        head += "<th scope='col'>meaning</th>"
    body = []
    for key, cells in rows:
        meaning = f"<td>{escape(describe.get(key, ''))}</td>" if describe else ""
        body.append(f"<tr><th scope='row'>{escape(str(key))}</th>{cells}{meaning}</tr>")
    if not body:
        body.append(f"<tr><td colspan='{head.count('<th') + 1}'>none</td></tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr><th scope='col'></th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _html_table(caption: str, counts: dict, total: int | None = None, describe=None) -> str:
    head = "<th scope='col'>count</th>" + ("<th scope='col'>share</th>" if total else "")
    rows = [
        (key, f"<td>{n:,}</td>" + (f"<td>{n * 100 / total:.1f}%</td>" if total else "")) for key, n in counts.items()
    ]
    return _table(caption, head, rows, describe)


def population_html(summary) -> str:
    """The summary as one self-contained HTML page: tables and inline SVG charts."""
    people = sum(summary.people_by_outcome.values())
    sections = [
        ("People by verification outcome", summary.people_by_outcome, people, None),
        ("Verified people by method", summary.people_by_method, people, None),
        ("People by role", summary.people_by_role, people, None),
        ("People by country", summary.people_by_country, people, None),
        ("Blocked filings by reason code", summary.blocked_by_reason, None, CODES),
        ("Flags raised on filings", summary.flags, None, FLAGS),
        ("Every refused step by reason code", summary.refusals_by_reason, None, CODES),
    ]
    if summary.prosecution_outcomes:
        sections += [
            ("After prosecution: submitted filings by state", summary.prosecution_outcomes, None, None),
            ("Outcomes by the applicant's country", summary.outcomes_by_country, None, None),
            ("Outcomes by representation at submission", summary.outcomes_by_representation, None, None),
            ("Later forms filed", summary.later_forms, None, None),
        ]
    body = [
        f"<h1>tmverify population: {summary.size:,} people</h1>",
        f"<p>Seed {summary.seed}, simulated on {escape(summary.on)} under the {escape(summary.policy)} policy.</p>",
        "<h2>At a glance</h2><ul>",
        f"<li>{summary.filings_attempted:,} filings attempted: <strong>{summary.filings_submitted:,} submitted</strong>, "
        f"{summary.filings_blocked:,} blocked "
        f"({', '.join(f'{n:,} at {where}' for where, n in summary.blocked_at.items()) or 'none'})</li>",
        f"<li>Fees collected: <strong>${summary.fees_collected:,}</strong></li>",
        f"<li>Units generated: {escape(', '.join(f'{n:,} {k}' for k, n in summary.units.items()))}</li>",
        *(
            [
                f"<li>Abandonments traced to an identity rule: <strong>{summary.abandoned_by_identity_rule:,}</strong></li>"
            ]
            if summary.prosecution_outcomes
            else []
        ),
        "</ul>",
    ]
    for number, (title, counts, total, describe) in enumerate(sections, start=1):
        body.append(f"<section><h2>{escape(title)}</h2>")
        body.append(_bar_chart(title, dict(list(counts.items())[:15]), f"chart-{number}"))
        body.append(_html_table(title, counts, total, describe))
        body.append("</section>")
    return _page("tmverify population report", body)


def _page(title: str, body: list[str]) -> str:
    style = (
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a202c}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #cbd5e0;padding:.25rem .6rem;"
        "text-align:left}td{font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold}"
        ".changed{font-weight:bold}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{style}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


# --- two sides of a comparison (`simulate --compare`) -----------------------------------
# (title, the summary's count, what its keys mean): what the rules blocked, who verified,
# what was filed, and who the people were (the same on both sides, by construction)
COMPARED = [
    ("What the rules blocked: filings by reason code", "blocked_by_reason", CODES),
    ("Where blocked filings stopped", "blocked_at", None),
    ("Who verified: people by verification outcome", "people_by_outcome", None),
    ("Verified people by method", "people_by_method", None),
    ("What was filed: flags raised on filings", "flags", FLAGS),
    ("Every refused step by reason code", "refusals_by_reason", CODES),
    ("People by role", "people_by_role", None),
    ("People by country", "people_by_country", None),
]
SIDE_COLOURS = ("#2b6cb0", "#c05621")


def side_label(summary, other) -> str:
    """What sets a side apart from the other: its profile, its date, or both."""
    if summary.policy != other.policy and summary.on != other.on:
        return f"{summary.policy}, {summary.on}"
    return summary.policy if summary.policy != other.policy else summary.on


def _glance(summary) -> dict:
    return {
        "filings attempted": summary.filings_attempted,
        "filings submitted": summary.filings_submitted,
        "filings blocked": summary.filings_blocked,
        "people verified": summary.people_by_outcome.get("verified", 0),
    }


def _side_by_side(first: dict, second: dict) -> list[tuple[str, int, int]]:
    """(key, first's count, second's count) for every key of either, the largest first."""
    keys = sorted(set(first) | set(second), key=lambda k: (-max(first.get(k, 0), second.get(k, 0)), str(k)))
    return [(key, first.get(key, 0), second.get(key, 0)) for key in keys]


def comparison(first, second) -> list[tuple[str, dict | None, list[tuple[str, int, int]]]]:
    """Every compared count: (title, what its keys mean, rows), "At a glance" first."""
    sections = [
        ("At a glance", None, _side_by_side(_glance(first), _glance(second))),
        ("What was paid: fees collected ($)", None, [("fees", first.fees_collected, second.fees_collected)]),
    ]
    for title, name, describe in COMPARED:
        sections.append((title, describe, _side_by_side(getattr(first, name), getattr(second, name))))
    return sections


def differences(first, second) -> list[tuple[str, str, int, int]]:
    """(section, key, first, second) for every count that differs, the largest change first."""
    found = [(title, key, a, b) for title, _, rows in comparison(first, second) for key, a, b in rows if a != b]
    return sorted(found, key=lambda row: (-abs(row[3] - row[2]), row[0], str(row[1])))


def _same_people(first, second) -> bool:
    return (first.people_by_country, first.units) == (second.people_by_country, second.units)


def comparison_lines(first, second) -> list[str]:
    """Both sides of a comparison as plain text, side by side, then what differs."""
    left, right = side_label(first, second), side_label(second, first)
    lines = [
        f"population of {first.size:,} people, seed {first.seed}: {first.policy} policy on {first.on} "
        f"beside {second.policy} policy on {second.on}",
        "the same people on both sides (units and countries alike)"
        if _same_people(first, second)
        else "the people differ between the sides (units or countries)",
    ]
    for title, _, rows in comparison(first, second):
        lines.append(f"{title}:")
        if not rows:
            lines.append("  (none)")
            continue
        width = max(len(str(key)) for key, _, _ in rows)
        lines.append(f"  {'':<{width}}  {left:>12}  {right:>12}  {'difference':>10}")
        for key, a, b in rows:
            lines.append(f"  {str(key):<{width}}  {a:>12,}  {b:>12,}  {b - a:>+10,}")
    changed = differences(first, second)
    lines.append(f"what differs ({right} against {left}): {len(changed)} count(s)")
    for title, key, a, b in changed:
        lines.append(f"  {title} / {key}: {a:,} -> {b:,} ({b - a:+,})")
    return lines


def _paired_chart(title: str, rows, labels: tuple[str, str], chart_id: str) -> str:
    """Each key's two counts as two bars, one colour a side, with a legend: inline SVG."""
    if not rows:
        return f"<p>{escape(title)}: none.</p>"
    biggest = max(max(a, b) for _, a, b in rows) or 1
    label_width, bar_width, bar, gap = 230, 400, 12, 10
    legend = 26
    height = legend + len(rows) * (2 * bar + gap) + 4
    width = label_width + bar_width + 90
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        'font-size="12">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for n, (label, colour) in enumerate(zip(labels, SIDE_COLOURS, strict=True)):
        x = label_width + n * 170
        parts.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="16">{escape(label)}</text>')
    for i, (key, *counts) in enumerate(rows):
        y = legend + i * (2 * bar + gap)
        parts.append(f'<text x="{label_width - 8}" y="{y + bar + 4}" text-anchor="end">{escape(str(key))}</text>')
        for n, (count, colour) in enumerate(zip(counts, SIDE_COLOURS, strict=True)):
            length = max(1, round(bar_width * count / biggest)) if count else 0
            top = y + n * bar
            parts.append(f'<rect x="{label_width}" y="{top}" width="{length}" height="{bar - 2}" fill="{colour}"/>')
            parts.append(f'<text x="{label_width + length + 6}" y="{top + bar - 3}">{count:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _paired_table(caption: str, rows, labels: tuple[str, str], describe=None) -> str:
    head = "".join(f"<th scope='col'>{escape(label)}</th>" for label in labels) + "<th scope='col'>difference</th>"
    cells = [
        (key, f"<td>{a:,}</td><td>{b:,}</td><td{'' if a == b else ' class=changed'}>{b - a:+,}</td>")
        for key, a, b in rows
    ]
    return _table(caption, head, cells, describe)


def comparison_html(first, second) -> str:
    """Both sides of a comparison as one self-contained HTML page: what differs first, then
    every count side by side, each with a chart of paired bars (inline SVG, no JavaScript)."""
    labels = (side_label(first, second), side_label(second, first))
    changed = differences(first, second)
    body = [
        f"<h1>tmverify population: {first.size:,} people, two ways</h1>",
        f"<p>Seed {first.seed}: the {escape(first.policy)} policy on {escape(first.on)} beside the "
        f"{escape(second.policy)} policy on {escape(second.on)}. "
        + (
            "The same people on both sides, with the same intentions; only what the rules answered differs."
            if _same_people(first, second)
            else "<strong>The people differ between the sides</strong> (units or countries)."
        )
        + "</p>",
        f"<section><h2>What differs</h2><p>{len(changed):,} count(s) differ, the largest change first "
        f"({escape(labels[1])} against {escape(labels[0])}).</p>",
    ]
    if changed:
        body.append(
            "<table><caption>Counts that differ</caption><thead><tr><th scope='col'>count</th>"
            f"<th scope='col'>{escape(labels[0])}</th><th scope='col'>{escape(labels[1])}</th>"
            "<th scope='col'>difference</th></tr></thead><tbody>"
            + "".join(
                f"<tr><th scope='row'>{escape(title)}: {escape(str(key))}</th><td>{a:,}</td><td>{b:,}</td>"
                f"<td class='changed'>{b - a:+,}</td></tr>"
                for title, key, a, b in changed
            )
            + "</tbody></table>"
        )
    body.append("</section>")
    for number, (title, describe, rows) in enumerate(comparison(first, second), start=1):
        body.append(f"<section><h2>{escape(title)}</h2>")
        body.append(_paired_chart(title, rows[:15], labels, f"chart-{number}"))
        body.append(_paired_table(title, rows, labels, describe))
        body.append("</section>")
    return _page("tmverify population comparison", body)
