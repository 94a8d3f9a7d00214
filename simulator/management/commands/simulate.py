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
from simulator.blocks import simulate_population
from simulator.database import quiet, throwaway_database
from simulator.parser import ScenarioError, load_file
from simulator.population import DEFAULT_DATE
from simulator.runner import run_scenario

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
            "--jobs",
            type=int,
            metavar="J",
            help="population: blocks of 1,000 people run on up to J processes at once (default: one per core)",
        )

    def handle(self, *args, **options):
        with quiet():
            return self._handle(options)

    def _handle(self, options):
        if options["population"] is not None:
            if options["files"] or options["json"]:
                raise CommandError("--population runs a generated population; give no scenario files", returncode=2)
            return self.population(options)
        for option in ("report", "jobs"):
            if options[option] is not None:
                raise CommandError(f"--{option} goes with --population", returncode=EXIT_INVALID)
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
        jobs = (os.cpu_count() or 1) if options["jobs"] is None else options["jobs"]
        if jobs < 1:
            raise CommandError("--jobs needs a number of processes, 1 or more", returncode=EXIT_INVALID)
        on = DEFAULT_DATE
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)", returncode=2) from None
            if not date(2000, 1, 1) <= on <= date(2999, 12, 31):
                raise CommandError("--date must fall between 2000-01-01 and 2999-12-31", returncode=EXIT_INVALID)
        started = time.monotonic()
        run = simulate_population(size, seed=options["seed"], on=on, jobs=jobs, progress=self._progress(size, started))
        self.stderr.write("")
        for line in report.population_lines(run.summary):
            self.stdout.write(line)
        self.stdout.write(
            f"done in {time.monotonic() - started:.1f} s: {run.blocks:,} block(s) on {run.processes} process(es), "
            f"peak memory {run.peak_kib / 1024:.0f} MB (all processes together)"
        )
        if options["report"]:
            Path(options["report"]).write_text(report.population_html(run.summary), encoding="utf-8")
            self.stdout.write(f"HTML report: {options['report']}")

    def _progress(self, size, started):
        tty = self.stderr.isatty()
        last = {"tenth": -1}

        def show(done):
            tenth = done * 10 // size
            if tty:
                self.stderr.write(f"\r{done:,}/{size:,} people ({done * 100 // size}%)", ending="")
            elif tenth != last["tenth"]:
                last["tenth"] = tenth
                self.stderr.write(f"{done:,}/{size:,} people, {time.monotonic() - started:.0f} s")

        return show
