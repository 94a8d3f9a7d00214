"""Progress of a long population run on stderr: blocks done of all, people per second and
the time left; a bar redrawn in place on a terminal, a line each tenth (or minute) in a log."""

from simulator.progress import Progress, duration


class Stream:
    def __init__(self, tty: bool):
        self.tty, self.written = tty, []

    def isatty(self):
        return self.tty

    def write(self, text, ending="\n"):
        self.written.append(text + ending)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def told(progress, clock, *reports):
    """Report (seconds later, people, blocks) to `progress`, one after the other."""
    for later, people, blocks in reports:
        clock.now += later
        progress(people, blocks)


def test_on_a_terminal_a_bar_is_redrawn_in_place_with_the_rate_and_the_time_left():
    out, clock = Stream(tty=True), Clock()
    progress = Progress(out, 10_000, 10, clock=clock)

    told(progress, clock, (0, 0, 0), (50, 2_000, 2))
    progress.finish()

    assert all(text.startswith("\r") for text in out.written[:2])
    assert out.written[1] == (
        "\r[████░░░░░░░░░░░░░░░░░░░░]  20% 2/10 blocks, 2,000/10,000 people, 40 people/s, 3 min left, 50 s so far"
    )
    assert out.written[-1] == "\n"  # the summary starts on a line of its own


def test_in_a_log_a_line_is_written_each_tenth_and_the_rate_counts_from_where_a_resumed_run_started():
    out, clock = Stream(tty=False), Clock()
    progress = Progress(out, 10_000, 10, clock=clock)

    # the first report: 4 blocks read back from the resume file
    told(progress, clock, (0, 4_000, 4), *((10, people, people // 1000) for people in (4_100, 4_500, 5_000, 6_000)))

    assert out.written == [
        "4/10 blocks, 4,000/10,000 people, – people/s, 0 s so far\n",
        "5/10 blocks, 5,000/10,000 people, 33 people/s, 2 min left, 30 s so far\n",
        "6/10 blocks, 6,000/10,000 people, 50 people/s, 1 min left, 40 s so far\n",
    ]


def test_in_a_log_a_slow_run_still_says_where_it_is_every_minute():
    out, clock = Stream(tty=False), Clock()
    progress = Progress(out, 1_000_000, 1_000, clock=clock)

    told(progress, clock, (0, 0, 0), (61, 5_000, 5))

    assert len(out.written) == 2 and "5,000/1,000,000 people, 82 people/s, 3 h 22 min left" in out.written[1]


def test_times_read_at_a_glance():
    assert [duration(s) for s in (4.4, 59, 60, 3599, 3600, 12_345)] == [
        "4 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h 00 min",
        "3 h 25 min",
    ]
