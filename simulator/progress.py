"""How far a population run has come, on stderr: blocks done of all, people per second and
the time left, as a bar redrawn in place on a terminal, as a line now and then otherwise
(a log file)."""

import time

BAR = 24  # characters
EVERY = 60  # seconds between lines at most, off a terminal


def duration(seconds: float) -> str:
    """A time left in words a person reads at a glance: `45 s`, `12 min`, `3 h 05 min`."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Called with (people done, blocks done); the first call is where this run starts
    (a resumed run starts with blocks done), and the rate counts from there."""

    def __init__(self, out, people: int, blocks: int, *, clock=time.monotonic):
        self.out, self.people, self.blocks, self.clock = out, people, blocks, clock
        self.tty = out.isatty()
        self.started = None  # (time, people) at the first call
        self.last_line = (-1, 0.0)  # (tenth, time) of the last line written off a terminal
        self.width = 0

    def __call__(self, people: int, blocks: int) -> None:
        now = self.clock()
        if self.started is None:
            self.started = (now, people)
        line = self.line(people, blocks, now)
        if self.tty:
            self.out.write("\r" + line.ljust(self.width), ending="")
            self.width = len(line)
            return
        tenth = people * 10 // self.people
        if tenth != self.last_line[0] or now - self.last_line[1] >= EVERY:
            self.last_line = (tenth, now)
            self.out.write(line)

    def line(self, people: int, blocks: int, now: float) -> str:
        since, at_start = self.started
        rate = (people - at_start) / (now - since) if now > since and people > at_start else None
        text = (
            f"{blocks:,}/{self.blocks:,} blocks, {people:,}/{self.people:,} people, "
            + ("– people/s" if rate is None else f"{rate:,.0f} people/s")
            + ("" if rate is None or people >= self.people else f", {duration((self.people - people) / rate)} left")
            + f", {duration(now - since)} so far"
        )
        if not self.tty:
            return text
        filled = BAR * people // self.people
        return f"[{'█' * filled}{'░' * (BAR - filled)}] {people * 100 // self.people:3d}% {text}"

    def finish(self) -> None:
        if self.tty and self.started is not None:
            self.out.write("")
