"""Progress reporting: plain lines off a terminal, silence when quiet, n of m with an ETA."""

from __future__ import annotations

import io
import re

from lngswap import progress


def test_plain_lines_count_steps_with_an_eta():
    buf = io.StringIO()
    with progress.reporting("plain", buf):
        progress.phase("loading")
        with progress.steps(3, "solve"):
            for name in ("a", "b", "c"):
                progress.step(f"variant {name}")
    text = buf.getvalue()
    assert "\x1b" not in text
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0].endswith("loading")
    assert re.search(r"solve 1 of 3: variant a .*ETA after the first one", lines[1])
    assert re.search(r"solve 3 of 3: variant c \(elapsed \d+ s, ETA \d+ s\)", lines[3])
    assert lines[-1].endswith("solves done: 3 of 3 in 0 s")


def test_quiet_and_no_reporter_print_nothing(capsys):
    buf = io.StringIO()
    with progress.reporting("quiet", buf):
        progress.phase("loading")
        with progress.steps(2):
            progress.step("x")
    progress.phase("outside any reporter")  # library code called without a front end
    assert buf.getvalue() == ""
    assert capsys.readouterr() == ("", "")


def test_auto_is_plain_off_a_terminal():
    buf = io.StringIO()
    assert isinstance(progress.make_reporter("auto", buf), progress.PlainReporter)


def test_the_run_command_reports_its_phases_and_quiet_silences_them(toy, tmp_path):
    from typer.testing import CliRunner

    from lngswap.cli import app

    runner = CliRunner()
    case = toy(days=5)
    r = runner.invoke(app, ["run", str(case), "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    assert "building and solving the LP" in r.output
    q = runner.invoke(app, ["run", str(case), "--out", str(tmp_path / "b"), "--quiet"])
    assert q.exit_code == 0, q.output
    assert q.output == ""
