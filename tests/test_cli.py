"""The command line end to end: exit codes, streams, outputs, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from estate import __version__
from estate.cli import main

from estate_testing import MINI_CATALOGUE, REPO

VALID = """
kind: authority
authority: {id: alpha, name: Alpha Council, region: North}
lines_of_business: [council-tax, customer-relationship-management]
systems:
  - {id: rev, name: Revenues, product: iWorld, vendor: Northgate, supports: [council-tax],
     annual_cost: 120000, hosting: on-premise, criticality: high}
  - {id: crm1, name: CRM one, vendor: Smallco Digital, supports: [customer-relationship-management],
     annual_cost: 30000}
  - {id: crm2, name: CRM two, vendor: Civica, supports: [customer-relationship-management]}
contracts:
  - {id: A-1, supplier: NEC Software Solutions UK Ltd, covers: [rev], end: 2027-03-31,
     annual_value: 120000}
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def valid(inventory):
    inventory("alpha.yaml", VALID)
    return [str(MINI_CATALOGUE), str(inventory.folder)]


def test_version_and_help(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"estate, version {__version__}"
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "analyse" in result.output and "validate" in result.output


def test_python_dash_m_estate_runs():
    result = subprocess.run([sys.executable, "-m", "estate", "--version"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0 and __version__ in result.stdout


COMMANDS = {"analyse", "export", "import", "synth", "validate", "diff", "survey"}


def _listed(help_text: str) -> set:
    """The command names under "Commands:" in a group's --help."""
    section = help_text.split("Commands:", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.split()}


@pytest.mark.parametrize("entry", [["-m", "estate"], ["-m", "estate.cli"], ["estate"]],
                         ids=["python -m estate", "python -m estate.cli", "estate"])
def test_every_entry_point_lists_every_command(entry):
    if entry == ["estate"]:
        script = shutil.which("estate")
        if script is None:
            pytest.skip("the estate script is not installed")
        command = [sys.executable, script, "--help"]
    else:
        command = [sys.executable, *entry, "--help"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert _listed(result.stdout) == COMMANDS


def _run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "estate", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_a_command_end_to_end_help_and_exit_codes(valid, tmp_path):
    helped = _run("validate", "--help")
    assert helped.returncode == 0 and "Usage: python -m estate validate" in helped.stdout
    assert "--strict" in helped.stdout and "Treat warnings as errors." in helped.stdout
    ok = _run("validate", *valid)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1].startswith("valid: 0 error(s)")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: authority\nauthority: {id: beta, name: Beta}\nsystems:\n"
                   "  - {id: x, name: X, supports: [], annual_cost: '£5,000'}\n")
    invalid = _run("validate", str(bad))
    assert invalid.returncode == 1 and "E125" in invalid.stdout and "Traceback" not in invalid.stderr
    usage = _run("validate", "--format", "xml", *valid)
    assert usage.returncode == 2 and "'xml' is not one of 'text', 'json'" in usage.stderr
    analysed = _run("analyse", *valid, "-o", str(tmp_path / "out"), "--maps", "none", "--as-of",
                    "2026-11-21", "--no-cache")
    assert analysed.returncode == 0, analysed.stderr
    assert analysed.stdout.split() == [str(tmp_path / "out" / name) for name in
                                       ("analysis.json", "register.xlsx", "report.html", "report")]


@pytest.mark.parametrize("command", [["validate"], ["analyse"], ["export", "csv"], ["export", "sqlite"],
                                     ["export", "archimate"], ["export", "archi-csv"]])
def test_shared_options_are_the_same_on_every_command(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())          # as one line, however click wraps it
    assert "--strict Treat warnings as errors." in text
    if command[0] == "analyse" or command[-1] in ("csv", "sqlite"):
        assert "--as-of TEXT Treat this date (YYYY-MM-DD) as today." in text
        assert "--config FILE Settings file (default: estate.yaml beside the inventories)." in text
    assert "[OPTIONS] PATHS..." in text


def test_validate_valid_inventory_exits_0_and_says_so(runner, valid):
    result = runner.invoke(main, ["validate", *valid])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith("valid: 0 error(s)")


def test_validate_json_is_machine_readable(runner, valid):
    result = runner.invoke(main, ["validate", "--format", "json", *valid])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["valid"] is True and data["errors"] == 0
    assert all({"code", "file", "line", "message", "severity"} <= set(p) for p in data["problems"])


def test_strict_turns_warnings_into_errors(runner, inventory):
    inventory("a.yaml", "kind: authority\nauthority: {id: alpha, name: Alpha, colour: blue}\n")
    args = [str(MINI_CATALOGUE), str(inventory.folder)]
    assert runner.invoke(main, ["validate", *args]).exit_code == 0
    strict = runner.invoke(main, ["validate", "--strict", *args])
    assert strict.exit_code == 1
    assert "W200 unknown key 'colour'" in strict.output


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(main, ["validate"]).exit_code == 2
    assert runner.invoke(main, ["analyse", str(tmp_path), "--as-of", "2026-02-30"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_a_bad_settings_file_is_a_usage_error_with_a_hint(runner, valid, tmp_path):
    config = tmp_path / "estate.yaml"
    config.write_text("window_months: 12\nwindow_monhts: 6\n")
    result = runner.invoke(main, ["analyse", *valid, "-o", str(tmp_path / "out"),
                                  "--config", str(config)])
    assert result.exit_code == 2
    assert "unknown setting 'window_monhts'" in result.output
    assert "Traceback" not in result.output


def test_output_choices_in_the_settings_file_are_not_published_as_settings(runner, valid, tmp_path):
    config = tmp_path / "estate.yaml"
    config.write_text("window_months: 18\nmaps: none\nmap_formats: [png]\n")
    out = tmp_path / "out"
    result = runner.invoke(main, ["analyse", *valid, "-o", str(out), "--config", str(config),
                                  "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    published = json.loads((out / "analysis.json").read_text())["settings"]
    assert published["window_months"] == 18 and published["as_of"] == "2026-11-21"
    assert not {"maps", "map_formats", "templates"} & set(published)
    assert not (out / "maps").exists()                   # maps: none, from the file
    if shutil.which("dot") is None:
        return                                           # no Graphviz: no maps to count
    # the command line overrides the file's choice
    runner.invoke(main, ["analyse", *valid, "-o", str(out), "--config", str(config),
                         "--as-of", "2026-11-21", "--maps", "councils", "--no-cache"])
    assert sorted(p.name for p in (out / "maps").glob("*.dot")) == ["council-alpha.dot"]


@pytest.mark.parametrize("text,message", [
    ("maps: some\n", "setting 'maps' must be one of auto, all, councils, partnerships, none"),
    ("map_formats: [svg, bmp]\n", "unknown map format bmp"),
    ("templates: 3\n", "setting 'templates' must be a folder name"),
])
def test_a_bad_output_choice_is_a_usage_error(runner, valid, tmp_path, text, message):
    config = tmp_path / "estate.yaml"
    config.write_text(text)
    result = runner.invoke(main, ["analyse", *valid, "-o", str(tmp_path / "out"), "--config", str(config)])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_analyse_refuses_invalid_inventories_and_writes_nothing(runner, inventory, tmp_path):
    inventory("bad.yaml", "kind: authority\nauthority: {id: alpha, name: Alpha}\nsystems:\n"
              "  - {id: x, name: X, supports: [], annual_cost: '£5,000'}\n")
    out = tmp_path / "out"
    result = runner.invoke(main, ["analyse", str(inventory.folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "E125" in result.output and "write 5000, not '£5,000'" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()


def test_analyse_writes_every_output(runner, valid, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["analyse", *valid, "-o", str(out), "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    analysis = json.loads((out / "analysis.json").read_text())
    assert analysis["summary"]["systems"] == 3
    assert analysis["summary"]["annual_cost"] == 150000
    assert analysis["settings"]["as_of"] == "2026-11-21"
    [dup] = analysis["duplicates"]
    assert dup["systems"] == ["alpha/crm1", "alpha/crm2"]
    assert (out / "register.xlsx").stat().st_size > 0
    assert "<html" in (out / "report.html").read_text()
    # no temporary files are left beside the outputs
    assert not [p for p in out.rglob(".*") if p.is_file()]


def test_analyse_is_deterministic(runner, valid, tmp_path):
    outputs = []
    for name in ("one", "two"):
        result = runner.invoke(main, ["analyse", *valid, "-o", str(tmp_path / name),
                                      "--as-of", "2026-11-21", "--maps", "none"])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name / "analysis.json").read_text())
    assert outputs[0] == outputs[1]


def test_an_internal_error_has_no_traceback_without_debug(runner, valid, tmp_path, monkeypatch):
    import estate.findings

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(estate.findings, "build_graph", explode)
    result = runner.invoke(main, ["analyse", *valid, "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "internal error: RuntimeError: boom" in result.output and "Traceback" not in result.output
    debug = runner.invoke(main, ["--debug", "analyse", *valid, "-o", str(tmp_path / "o")])
    assert isinstance(debug.exception, RuntimeError)


def test_the_command_line_report_and_register_give_one_set_of_figures(tmp_path):
    """The samples' run: the counts the command line prints are analysis.json's summary
    counts, the register's Summary rows and the report's data-quality page."""
    import re

    from openpyxl import load_workbook

    out = tmp_path / "out"
    run = _run("analyse", str(REPO / "inventories"), "-o", str(out), "--maps", "none",
               "--as-of", "2026-12-04", "--no-cache")
    assert run.returncode == 0, run.stderr
    line = next(l for l in run.stderr.splitlines() if "data-quality warning" in l)
    said = re.search(r"(\d+) findings?, (\d+) data-quality warnings? and (\d+) notes?", line)
    assert said, line
    findings, warnings, notes = (int(n) for n in said.groups())
    summary = json.loads((out / "analysis.json").read_text())["summary"]
    quality = json.loads((out / "analysis.json").read_text())["data_quality"]
    assert (summary["findings"], summary["warnings"], summary["notes"]) == (findings, warnings, notes)
    assert warnings == sum(1 for q in quality if q["severity"] == "warning") > 0
    assert notes == sum(1 for q in quality if q["severity"] == "info")
    sheet = load_workbook(out / "register.xlsx", read_only=True)["Summary"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert (rows["Findings"], rows["Data-quality warnings"], rows["Data-quality notes"]) == \
        (findings, warnings, notes)
    page = (out / "report" / "data-quality.html").read_text(encoding="utf-8")
    assert f"{warnings:,} warnings and {notes:,} notes" in page


def test_a_contract_without_an_end_is_analysed_and_rendered(tmp_path):
    """SPEC 1.1: `end` is optional. The samples with one contract's end removed still give
    every output, and the contract is reported as unknown, not dropped."""
    import re

    inventories = tmp_path / "inv"
    shutil.copytree(REPO / "inventories", inventories)
    path = inventories / "kingsmere.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("contracts:")
    text, n = re.subn(r"\n {4}end: [^\n]*", "", text[start:], count=1)
    assert n == 1
    path.write_text(path.read_text(encoding="utf-8")[:start] + text, encoding="utf-8")
    out = tmp_path / "out"
    run = _run("analyse", str(inventories), "-o", str(out), "--maps", "none", "--as-of",
               "2026-12-04", "--no-cache")
    assert run.returncode == 0, run.stderr
    found = json.loads((out / "analysis.json").read_text())
    assert [q["code"] for q in found["data_quality"]].count("I303") == 1
    assert (out / "register.xlsx").stat().st_size and (out / "report" / "kingsmere.html").is_file()
