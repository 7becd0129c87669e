"""Output safety: a run never removes or overwrites a user's files, replaces an earlier run
whole, cleans what a killed run left, and refuses names that are paths."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lngswap.cli import app
from lngswap.errors import InputError
from lngswap.results.writer import check_folder_target, foreign_entries, write_file, write_folder

runner = CliRunner()


def fill_with(files: dict[str, str]):
    def fill(tmp: Path) -> None:
        for name, text in files.items():
            (tmp / name).write_text(text)
    return fill


def test_new_folder_is_written_whole_with_a_manifest_listing_it(tmp_path):
    out = tmp_path / "a" / "run"
    write_folder(out, fill_with({"x.csv": "1\n", "y.csv": "2\n"}), {"case": "t"})
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "x.csv", "y.csv"]
    man = json.loads((out / "manifest.json").read_text())
    assert man["written_by"] == "lngswap"
    assert sorted(man["outputs"]) == ["x.csv", "y.csv"]
    assert man["output_hashes"]["x.csv"].startswith("sha256:")
    assert sorted(p.name for p in out.parent.iterdir()) == ["run"]  # no lock, no temp folder


def test_an_earlier_run_is_replaced_and_nothing_of_it_stays(tmp_path):
    out = tmp_path / "run"
    write_folder(out, fill_with({"old.csv": "1\n"}), {})
    ino = out.stat().st_ino
    write_folder(out, fill_with({"new.csv": "2\n"}), {})
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "new.csv"]
    assert out.stat().st_ino != ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_folder_of_the_users_files_is_refused_naming_them(tmp_path):
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    with pytest.raises(InputError, match=r"mydocs.*thesis\.docx.*--overwrite"):
        write_folder(out, fill_with({"x.csv": "1\n"}), {})
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydocs"]


def test_overwrite_writes_beside_the_users_files_and_keeps_them(tmp_path):
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    write_folder(out, fill_with({"x.csv": "1\n"}), {}, overwrite=True)
    assert (out / "thesis.docx").read_text() == "years of work"
    assert (out / "x.csv").read_text() == "1\n"
    # the folder is now mixed: the user's file is still foreign, ours are listed
    assert foreign_entries(out) == ["thesis.docx"]


def test_overwrite_refuses_a_users_file_named_like_an_output(tmp_path):
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "x.csv").write_text("the user's own table")
    with pytest.raises(InputError, match="x.csv"):
        write_folder(out, fill_with({"x.csv": "1\n"}), {}, overwrite=True)
    assert (out / "x.csv").read_text() == "the user's own table"


def test_a_file_in_an_earlier_run_that_lngswap_did_not_write_is_kept_safe(tmp_path):
    out = tmp_path / "run"
    write_folder(out, fill_with({"x.csv": "1\n"}), {})
    (out / "my-notes.txt").write_text("mine")
    with pytest.raises(InputError, match="my-notes.txt"):
        check_folder_target(out)


def test_failure_while_writing_leaves_the_earlier_run_and_nothing_beside(tmp_path):
    out = tmp_path / "run"
    write_folder(out, fill_with({"x.csv": "1\n"}), {})

    def broken(tmp: Path) -> None:
        (tmp / "y.csv").write_text("half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_folder(out, broken, {})
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "x.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_debris_of_a_killed_run_is_removed_by_the_next_and_named(tmp_path):
    out = tmp_path / "run"
    left = tmp_path / ".run.lngswap-tmp-abc12345"
    left.mkdir()
    (left / "schedule.csv").write_text("half")
    notes = write_folder(out, fill_with({"x.csv": "1\n"}), {})
    assert not left.exists()
    assert any(".run.lngswap-tmp-abc12345" in n for n in notes)


def test_output_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "afile"
    f.write_text("important")
    with pytest.raises(InputError, match="afile"):
        write_folder(f, fill_with({"x.csv": "1\n"}), {})
    assert f.read_text() == "important"


def test_write_file_needs_its_folder_and_keeps_an_existing_file(tmp_path):
    with pytest.raises(InputError, match="nofolder"):
        write_file(tmp_path / "nofolder" / "v.csv", lambda p: p.write_text("x"))
    target = tmp_path / "v.csv"
    target.write_text("mine")
    with pytest.raises(InputError, match="--overwrite"):
        write_file(target, lambda p: p.write_text("x"))
    assert target.read_text() == "mine"
    write_file(target, lambda p: p.write_text("x"), overwrite=True)
    assert target.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.csv"]


@pytest.mark.parametrize("name", ["", "../victim", "/abs/path", "a/b", ".."])
def test_case_names_that_are_paths_are_refused(toy, tmp_path, monkeypatch, name):
    case = toy(days=4)
    doc = yaml.safe_load(case.read_text())
    case.write_text(yaml.safe_dump(dict(doc, name=name)))
    (tmp_path / "runs" / "earlier").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    r = runner.invoke(app, ["run", str(case)])
    assert r.exit_code == 2
    assert "key 'name'" in r.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_run_refuses_a_users_folder_and_leaves_it_as_it_was(toy, tmp_path):
    case = toy(days=4)
    out = tmp_path / "mydocs"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    r = runner.invoke(app, ["run", str(case), "--out", str(out)])
    assert r.exit_code == 2
    assert "mydocs" in r.output
    assert "thesis.docx" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


def test_sigterm_during_a_run_leaves_nothing_behind(toy, tmp_path):
    case = toy(days=60)
    k = tmp_path / "k"
    k.mkdir()
    out = k / "out"
    code = ("import sys, time, lngswap.results.export as e\n"
            "orig = e._csv\n"
            "def slow(df, path):\n"
            "    orig(df, path); time.sleep(0.5)\n"
            "e._csv = slow\n"
            "from lngswap.cli import app\n"
            f"sys.argv = ['lngswap', 'run', {str(case)!r}, '--out', {str(out)!r}]\n"
            "app()\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        if any(x.name.startswith(".out.lngswap-tmp-") and any(x.iterdir())
               for x in k.iterdir() if x.is_dir()):
            break
        time.sleep(0.01)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143, err
    assert "Traceback" not in err
    assert sorted(x.name for x in k.iterdir()) == []
