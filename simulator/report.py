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
    lines = [f"population of {summary.size:,} people, seed {summary.seed}, on {summary.on} (enacted policy)"]
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


def _html_table(caption: str, counts: dict, total: int | None = None, describe=None) -> str:
    head = "<th scope='col'>count</th>" + ("<th scope='col'>share</th>" if total else "")
    head += "<th scope='col'>meaning</th>" if describe else ""
    rows = []
    for key, n in counts.items():
        cells = f"<th scope='row'>{escape(str(key))}</th><td>{n:,}</td>"
        if total:
            cells += f"<td>{n * 100 / total:.1f}%</td>"
        if describe:
            cells += f"<td>{escape(describe.get(key, ''))}</td>"
        rows.append(f"<tr>{cells}</tr>")
    if not rows:
        rows.append("<tr><td colspan='4'>none</td></tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr><th scope='col'></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


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
    body = [
        f"<h1>tmverify population: {summary.size:,} people</h1>",
        f"<p>Seed {summary.seed}, simulated on {escape(summary.on)} under the enacted policy.</p>",
        "<h2>At a glance</h2><ul>",
        f"<li>{summary.filings_attempted:,} filings attempted: <strong>{summary.filings_submitted:,} submitted</strong>, "
        f"{summary.filings_blocked:,} blocked "
        f"({', '.join(f'{n:,} at {where}' for where, n in summary.blocked_at.items()) or 'none'})</li>",
        f"<li>Fees collected: <strong>${summary.fees_collected:,}</strong></li>",
        f"<li>Units generated: {escape(', '.join(f'{n:,} {k}' for k, n in summary.units.items()))}</li>",
        "</ul>",
    ]
    for number, (title, counts, total, describe) in enumerate(sections, start=1):
        body.append(f"<section><h2>{escape(title)}</h2>")
        body.append(_bar_chart(title, dict(list(counts.items())[:15]), f"chart-{number}"))
        body.append(_html_table(title, counts, total, describe))
        body.append("</section>")
    style = (
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a202c}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #cbd5e0;padding:.25rem .6rem;"
        "text-align:left}td{font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>tmverify population report</title><style>{style}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
