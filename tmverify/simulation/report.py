"""What a run prints: step and scenario lines, and the population summary as text and HTML."""

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
