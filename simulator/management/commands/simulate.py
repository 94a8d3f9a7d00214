"""`manage.py simulate`: scenario files (SCENARIOS.md) or a generated population.

Always on a throw-away SQLite database; the project's own database is never opened.
Exit 0: every scenario passed; 1: some failed; 2: a file is not valid (or bad options).
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from simulator import report
from simulator.blocks import BACKENDS, RunError, celery_workers, simulate_population
from simulator.database import quiet, throwaway_database
from simulator.parser import ScenarioError, load_file
from simulator.population import BLOCK, DEFAULT_DATE
from simulator.progress import Progress
from simulator.runner import run_scenario
from tmverify.policy import PROFILES

EXIT_FAILED = 1
EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Run scenario files (SCENARIOS.md) or a generated population on a throw-away database."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help="scenario files (JSON)")
        parser.add_argument("--json", metavar="REPORT", help="also write a machine-readable report here")
        parser.add_argument("--population", type=int, metavar="N", help="generate and run N people instead")
        parser.add_argument("--seed", type=int, default=1, help="population seed (same seed, same result)")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="the population's date (default 2024-06-01)")
        parser.add_argument("--report", metavar="FILE.html", help="population: write an HTML report here")
        parser.add_argument(
            "--no-prosecution",
            action="store_true",
            help="population: stop at submission, as before prosecution (R21, R22) was simulated",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            metavar="J",
            help="population: blocks of 1,000 people run on up to J processes at once (default: one per core)",
        )
        parser.add_argument(
            "--block",
            type=int,
            metavar="PEOPLE",
            help="population: people per block (default 1,000); the same seed and block give the same summary",
        )
        parser.add_argument(
            "--backend",
            choices=BACKENDS,
            help="population: local (default: processes of this machine) or celery (workers anywhere, REDIS_URL)",
        )
        parser.add_argument(
            "--policy", choices=sorted(PROFILES), help="population: the policy profile (default enacted)"
        )
        parser.add_argument(
            "--compare",
            metavar="PROFILE|YYYY-MM-DD",
            help="population: run the same people again under another profile or on another date, side by side",
        )
        parser.add_argument(
            "--resume",
            metavar="FILE",
            help="population: keep finished blocks in FILE; run again with the same FILE to carry on",
        )

    def handle(self, *args, **options):
        with quiet():
            return self._handle(options)

    def _handle(self, options):
        if options["population"] is not None:
            if options["files"] or options["json"]:
                raise CommandError("--population runs a generated population; give no scenario files", returncode=2)
            return self.population(options)
        for option in ("report", "jobs", "block", "backend", "policy", "compare", "resume"):
            if options[option] is not None:
                raise CommandError(f"--{option} goes with --population", returncode=EXIT_INVALID)
        if options["no_prosecution"]:
            raise CommandError("--no-prosecution goes with --population", returncode=EXIT_INVALID)
        if not options["files"]:
            raise CommandError("give scenario files to run, or --population N", returncode=EXIT_INVALID)
        return self.scenarios(options["files"], options["json"])

    # --- scenario files ------------------------------------------------------------------
    def scenarios(self, files, json_path):
        scenarios, invalid = [], []
        for path in files:
            try:
                scenarios.extend(load_file(path))
            except ScenarioError as exc:
                invalid.append(str(exc))
        for problem in invalid:
            self.stderr.write(f"invalid: {problem}")
        results = []
        if scenarios:
            with throwaway_database():
                for scenario in scenarios:
                    result = run_scenario(scenario)
                    results.append(result)
                    for line in report.scenario_lines(result):
                        self.stdout.write(line)
        passed = sum(1 for r in results if r.passed)
        failed = len(results) - passed
        if invalid:
            self.stderr.write(f"{len(invalid)} file(s) not valid; none of their scenarios ran")
        self.stdout.write(f"{passed} passed, {failed} failed")
        if json_path:
            document = {
                # 2: each step also carries its actual reason codes ("codes")
                "version": 2,
                "passed": passed,
                "failed": failed,
                "invalid": invalid,
                "scenarios": [r.as_dict() for r in results],
            }
            Path(json_path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        if invalid:
            sys.exit(EXIT_INVALID)
        if failed:
            sys.exit(EXIT_FAILED)

    # --- populations ------------------------------------------------------------------
    def population(self, options):
        size = options["population"]
        if size < 1:
            raise CommandError("--population needs a number of people, 1 or more", returncode=EXIT_INVALID)
        backend = options["backend"] or "local"
        if backend != "local" and options["jobs"] is not None:
            raise CommandError("--jobs goes with --backend local: each worker says its own", returncode=EXIT_INVALID)
        jobs = (os.cpu_count() or 1) if options["jobs"] is None else options["jobs"]
        if jobs < 1:
            raise CommandError("--jobs needs a number of processes, 1 or more", returncode=EXIT_INVALID)
        block = BLOCK if options["block"] is None else options["block"]
        if block < 1:
            raise CommandError("--block needs a number of people, 1 or more", returncode=EXIT_INVALID)
        on = self._date("--date", options["date"]) if options["date"] else DEFAULT_DATE
        profile = options["policy"] or "enacted"
        compare = self._compare(options["compare"], profile, on) if options["compare"] else None
        if backend == "celery":
            self._look_for_workers()
        started = time.monotonic()
        sides = 2 if compare else 1
        progress = Progress(self.stderr, size * sides, -(-size // block) * sides)
        try:
            run = simulate_population(
                size,
                seed=options["seed"],
                on=on,
                profile=profile,
                compare=compare,
                jobs=jobs,
                block=block,
                backend=backend,
                resume=Path(options["resume"]) if options["resume"] else None,
                progress=progress,
                prosecution=not options["no_prosecution"],
            )
        except RunError as error:
            progress.finish()
            raise CommandError(str(error), returncode=EXIT_FAILED) from None
        progress.finish()
        lines = report.comparison_lines(*run.summaries) if compare else report.population_lines(run.summary)
        for line in lines:
            self.stdout.write(line)
        resumed = f", {run.resumed:,} read back from {options['resume']}," if run.resumed else ""
        self.stdout.write(
            f"done in {time.monotonic() - started:.1f} s on {backend}: {run.blocks:,} block(s){resumed} on "
            f"{run.processes} process(es), peak memory {run.peak_kib / 1024:.0f} MB (all processes together), "
            f"largest process {run.largest_kib / 1024:.0f} MB"
        )
        if options["report"]:
            html = report.comparison_html(*run.summaries) if compare else report.population_html(run.summary)
            Path(options["report"]).write_text(html, encoding="utf-8")
            self.stdout.write(f"HTML report: {options['report']}")

    def _date(self, option, value):
        try:
            on = date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{option} {value!r} is not a date (YYYY-MM-DD)", returncode=EXIT_INVALID) from None
        if not date(2000, 1, 1) <= on <= date(2999, 12, 31):
            raise CommandError(f"{option} must fall between 2000-01-01 and 2999-12-31", returncode=EXIT_INVALID)
        return on

    def _compare(self, value, profile, on):
        """The second side: another profile on the same date, or the same profile on another date."""
        other = (value, on) if value in PROFILES else (profile, self._date("--compare", value))
        if other == (profile, on):
            raise CommandError(
                f"--compare {value} is the run itself: name another profile ({', '.join(sorted(PROFILES))}) or date",
                returncode=EXIT_INVALID,
            )
        return other

    def _look_for_workers(self):
        try:
            answering = celery_workers()
        except RunError as error:
            raise CommandError(str(error), returncode=EXIT_FAILED) from None
        if not answering:
            self.stderr.write(
                "no Celery worker answers yet: the blocks wait in the queue until one starts "
                "(`celery -A simulator worker`, with the same REDIS_URL)"
            )
