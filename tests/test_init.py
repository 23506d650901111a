"""`cssite init`: a new project that validates and builds at once, its commented config, its CI files."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, run
from cssite.schema import CONFIG


def _init(target: Path, *args: str):
    result = run("init", target, *args)
    assert result.exit_code == 0, result.output
    return result


def test_init_writes_a_project_that_validates_and_builds(tmp_path: Path):
    target = tmp_path / "handbook"
    _init(target, "--languages", "et,en", "--team", "support-emea=EMEA tugi", "--team", "apac")
    for rel in ("config/cssite.yml", "content/metrics/example-kpis.csv", "mkdocs.yml", "README.md", ".gitignore",
                ".github/workflows/handbook.yml", ".gitlab-ci.yml"):
        assert (target / rel).is_file(), rel
    today = dt.date.today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    review = yaml.safe_load((target / f"content/reviews/{quarter}/support-emea.yml").read_text())
    assert review["period"] == quarter
    for q in ("strengths", "weaknesses", "opportunities", "threats"):
        assert len(review[q]) == 1
        assert set(review[q][0]["text"]) == {"et", "en"}
        assert review[q][0]["text"]["en"].startswith("Example")
    assert len(review["objectives"]) == 1 and review["objectives"][0]["text"]["et"].startswith("Näidis")

    assert run("validate", "--strict", "--project", target).exit_code == 0
    status = run("i18n", "status", "--project", target, "--fail-under", "90")
    assert status.exit_code == 0
    # Every text init writes is in every chosen language, a team name given with --team too.
    for lang in ("et", "en"):
        assert f"{lang}: " in status.output and "(100.0 %)" in status.output.split(f"{lang}: ", 1)[1].splitlines()[0]
    names = yaml.safe_load((target / "config/cssite.yml").read_text())["teams"]
    assert names[0]["name"] == {"et": "EMEA tugi", "en": "EMEA tugi"}
    result = run("build", "--project", target)
    assert result.exit_code == 0, result.output
    page = (target / f"site/et/reviews/{quarter}/support-emea/index.html").read_text()
    assert "Näidistugevus" in page and "EMEA tugi" in page
    assert (target / "site/en/guidance/swot/index.html").is_file()  # the shipped guidance comes along
    gitignore = (target / ".gitignore").read_text()
    assert "/site/" in gitignore and "/.cssite-cache/" in gitignore and "/.site.*" in gitignore


def test_config_comments_every_key_with_its_default(tmp_path: Path):
    _init(tmp_path / "h")
    text = (tmp_path / "h/config/cssite.yml").read_text()
    data = yaml.safe_load(text)
    assert data["languages"] == ["en"] and data["teams"][0]["id"] == "support"

    def walk(schema):
        for f in schema.fields:
            line = next((ln for ln in text.splitlines() if f"{f.name}:" in ln and f.description in ln), None)
            assert line is not None, f"no comment for {schema.name}.{f.name}"
            if f.default is not None:
                assert f"Default: {f.default_yaml()}." in line, line
            if f.children is not None:
                walk(f.children)
    walk(CONFIG)
    # The commented-out samples are valid: uncomment the analysis block and the project still validates.
    lines = text.splitlines()
    start = lines.index("# analysis:")
    block = [ln[2:] for ln in lines[start:] if ln.startswith("# ")][: 1 + len(CONFIG.field("analysis").children.fields)]
    (tmp_path / "h/config/cssite.yml").write_text(text + "\n" + "\n".join(block) + "\n")
    assert "min_n: 30" in block[1]
    result = run("validate", "--project", tmp_path / "h")
    assert result.exit_code == 0, result.output


def test_init_refuses_a_non_empty_folder(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run("init", tmp_path)
    assert result.exit_code == 2
    assert "is not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_rejects_bad_languages_and_team_ids(tmp_path: Path):
    result = run("init", tmp_path / "a", "--languages", "en,en")
    assert result.exit_code == 2 and "listed twice" in result.output
    result = run("init", tmp_path / "b", "--team", "Support EMEA=Support")
    assert result.exit_code == 2 and "is not a team id" in result.output
    result = run("init", tmp_path / "c", "--team", "all=Everyone")
    assert result.exit_code == 2 and "reserved" in result.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_ci_files_are_yaml_with_the_named_jobs(tmp_path: Path):
    _init(tmp_path / "h")
    gh = yaml.safe_load((tmp_path / "h/.github/workflows/handbook.yml").read_text())
    assert set(gh["jobs"]) == {"build", "deploy"}
    triggers = gh[True] if True in gh else gh["on"]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "pull_request" in triggers
    steps = gh["jobs"]["build"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    for command in ("cssite validate --strict", "cssite i18n status --fail-under", "cssite build",
                    'cssite diff --format markdown >> "$GITHUB_STEP_SUMMARY"'):
        assert command in runs, command
    uses = {s.get("uses", "").split("@")[0]: s for s in steps}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert uses["actions/cache"]["with"]["path"] == ".cssite-cache"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert gh["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert gh["permissions"]["pages"] == "write"

    gl = yaml.safe_load((tmp_path / "h/.gitlab-ci.yml").read_text())
    pages = gl["pages"]
    script = "\n".join(pages["script"])
    for command in ("cssite validate --strict", "cssite i18n status --fail-under", "cssite build --site-dir public",
                    "cssite diff --format markdown"):
        assert command in script, command
    assert "public" in pages["artifacts"]["paths"]
    assert pages["cache"]["paths"] == [".cssite-cache/"]
    assert gl["variables"]["GIT_DEPTH"] == "0"
    assert "check" in gl and gl["check"]["script"] == pages["script"]


def test_init_example_writes_the_example_handbook(tmp_path: Path):
    _init(tmp_path / "ex", "--example")
    for rel in ("config/cssite.yml", "config/metrics.yml", "content/reviews/2026-Q3/support-emea.yml",
                "content/exports/zendesk-tickets.csv", "mkdocs.yml", ".github/workflows/handbook.yml"):
        assert (tmp_path / "ex" / rel).is_file(), rel
    assert (tmp_path / "ex/content/reviews/2026-Q2/support-apac.yml").read_bytes() == \
        (REPO / "content/reviews/2026-Q2/support-apac.yml").read_bytes()
    assert run("validate", "--project", tmp_path / "ex").exit_code == 0


def test_python_dash_m_cssite_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "cssite", "init", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "--languages" in result.stdout and "--example" in result.stdout


def _shell(script: str, cwd: Path, env: dict[str, str], shell: list[str]) -> subprocess.CompletedProcess:
    # The cssite of this test run, found on PATH as the CI runner finds the one it installed.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run([*shell, script], cwd=cwd, env={**os.environ, **env, "PATH": path},
                          capture_output=True, text=True)


def test_the_github_workflow_steps_run_as_written(tmp_path: Path):
    """Each `run:` step of the build job, in order, in bash as GitHub runs it, on the project init wrote."""
    project = tmp_path / "h"
    _init(project, "--languages", "et,en", "--team", "support-emea=EMEA tugi")
    gh = yaml.safe_load((project / ".github/workflows/handbook.yml").read_text())
    env = {**gh["env"], "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    assert "YOUR-ORG" in env["CSSITE_SPEC"]  # installed from a checkout: nobody knows the team's URL yet
    ran = []
    for step in gh["jobs"]["build"]["steps"]:
        if "run" not in step:
            continue
        result = _shell(step["run"], project, env, ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"])
        if "pip install" in step["run"]:
            # With the placeholder the step stops at once, saying which variable to set (pip is never reached).
            assert result.returncode == 1 and "::error file=.github/workflows/handbook.yml::set CSSITE_SPEC" \
                in result.stdout, result.stdout + result.stderr
            continue
        assert result.returncode == 0, (step["run"], result.stdout, result.stderr)
        ran.append(step["run"].split()[1])
    assert ran == ["validate", "i18n", "build", "diff"]
    assert (project / "site/et/index.html").is_file()  # what upload-pages-artifact takes
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## ") and "EMEA tugi" in summary


def test_the_gitlab_pages_script_runs_as_written(tmp_path: Path):
    project = tmp_path / "h"
    _init(project)
    gl = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    for line in gl["pages"]["script"]:
        result = _shell(line, project, gl["variables"], ["sh", "-e", "-c"])
        if "CSSITE_SPEC" in line:
            if "case" in line:
                assert result.returncode == 1 and "set CSSITE_SPEC" in result.stdout
            continue  # the install itself: this test run's cssite is the installed one
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    assert (project / "public/en/index.html").is_file()
    assert (project / "changes.md").read_text().startswith("## ")
    assert all((project / p).exists() for p in gl["pages"]["artifacts"]["paths"])


def test_ci_files_name_a_remote_install_spec_only(monkeypatch):
    """A git URL pip recorded is written into the CI files (pinned, without credentials); a local clone is not."""
    import json as _json

    from cssite import scaffold

    class Dist:
        def __init__(self, info):
            self.info = info

        def read_text(self, name):
            return _json.dumps(self.info)

    cases = [
        ({"url": "https://tok:secret@git.example.org/cs/cssite.git",
          "vcs_info": {"vcs": "git", "commit_id": "abc123"}}, "cssite @ git+https://git.example.org/cs/cssite.git@abc123"),
        ({"url": "ssh://git@git.example.org/cs/cssite.git", "vcs_info": {"vcs": "git", "requested_revision": "v1"}},
         "cssite @ git+ssh://git@git.example.org/cs/cssite.git@v1"),
        ({"url": "file:///home/me/cssite", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}, None),
        ({"url": "file:///home/me/cssite", "dir_info": {}}, None),
    ]
    for info, expected in cases:
        monkeypatch.setattr(scaffold.metadata, "distribution", lambda name, info=info: Dist(info))
        assert scaffold.install_spec() == expected
    assert scaffold.project_home("cssite @ git+https://git.example.org/cs/cssite.git@abc123") == \
        "https://git.example.org/cs/cssite"


def test_init_writes_its_own_texts_in_the_default_language(tmp_path: Path):
    """The config's comments, the review's header and the project README read in the first language."""
    from cssite.i18n.messages import catalogue

    for lang in ("et", "fr", "ru", "zh"):
        target = tmp_path / lang
        _init(target, "--languages", f"{lang},en", "--team", "support-emea=EMEA")
        words = catalogue(lang)
        config = (target / "config/cssite.yml").read_text()
        assert words["ref.config.languages"].strip() in config, lang  # the Reference's own translated text
        assert words["ref.analysis.min_n"].strip() in config, lang
        assert words["init.comment_default"].format(text="", value="30").strip() in config, lang
        assert "Default" not in config and "Required" not in config, lang
        # the commented config still parses and validates (comments are comments in any language)
        assert yaml.safe_load(config)["languages"] == [lang, "en"]
        review = next((target / "content/reviews").rglob("support-emea.yml")).read_text()
        first = words["init.review_header"].split("{period}")[0].strip()
        assert review.startswith("# " + first), lang
        readme = (target / "README.md").read_text()
        for key in ("init.readme.files", "init.readme.preview", "init.readme.next", "init.readme.publish"):
            assert f"## {words[key]}\n" in readme, (lang, key)
        assert words["init.readme.reference"] in readme
        assert "cssite review new support-emea" in readme and "python3 -m http.server -d site 8000" in readme
        # the comments of each command block start in one column
        block = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
        assert len({line.index("# ") for line in block}) == 1, block
        assert run("validate", "--strict", "--project", target).exit_code == 0, lang
    # A language cssite has no words in: English texts, as in its messages/<lang>.yml.
    _init(tmp_path / "de", "--languages", "de,en")
    assert "## Preview while you edit" in (tmp_path / "de/README.md").read_text()
    assert "# languages: Languages to build" in (tmp_path / "de/config/cssite.yml").read_text()


def test_init_into_the_current_folder_and_a_folder_with_a_space(tmp_path: Path, monkeypatch):
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    result = _init(Path("."))
    assert "  cd " not in result.stdout and "cssite serve --open" in result.stdout
    assert (here / "config/cssite.yml").is_file()
    result = _init(tmp_path / "my handbook")
    assert f"  cd '{tmp_path / 'my handbook'}'" in result.stdout  # pasted into a shell, it works
