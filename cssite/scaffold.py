"""`cssite init`: the files of a new project, generated from the schema and the message catalogues.

The commented config/cssite.yml is written from cssite.schema (each key's description and default), so it
cannot drift from what the loader accepts. The starter review and KPI file are examples in every chosen
language; the config comments and the project README are in the default language (its catalogue), the CI
files come from cssite/data/scaffold/.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from cssite.errors import OptionError
from cssite.i18n.messages import Messages, catalogue_language
from cssite.model import Period
from cssite.schema import CONFIG, QUADRANTS, TEAM, Field, Schema

# The share of user texts that must be translated for CI to pass (i18n status --fail-under).
CI_FAIL_UNDER = 90
# The example handbook's folders: shipped in the wheel as cssite/example_<folder>/ (see pyproject.toml).
EXAMPLE_FOLDERS = ("config", "content")
QUADRANT_KEYS = {"strengths": ("S1", "init.strength"), "weaknesses": ("W1", "init.weakness"),
                 "opportunities": ("O1", "init.opportunity"), "threats": ("T1", "init.threat")}


@dataclass(frozen=True)
class StarterTeam:
    id: str
    name: str | None  # None: the catalogue's "Customer support" in each language


def _q(s: str) -> str:
    """A YAML scalar for any string (a JSON string is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def _comment(f: Field, t: Messages | None = None, schema: Schema | None = None) -> str:
    """`The site's title. Required.` / `… Default: 30.`: what the key is, and what leaving it out means.

    In English the schema's one-line description; in another of cssite's languages the Reference's
    translated `ref.<schema>.<field>` text, so the comments read in the handbook's default language.
    """
    t = t or Messages("en")
    if t.lang == "en" or schema is None:
        text = f"{f.description}."
    else:
        text = t(f"ref.{schema.name}.{f.name}").strip()
    if f.required:
        return t("init.comment_required", text=text)
    if f.default is not None:
        return t("init.comment_default", text=text, value=f.default_yaml())
    return text


def _commented_out(schema: Schema, indent: int, list_item: bool = False, t: Messages | None = None) -> list[str]:
    """Every key of `schema` as a commented-out line with its example or default and its comment."""
    lines = []
    pad = " " * indent
    for i, f in enumerate(schema.fields):
        lead = (pad[:-2] + "- ") if (list_item and i == 0) else pad
        if f.children is not None:
            lines.append(f"# {lead}{f.name}:  # {_comment(f, t, schema)}")
            lines.extend(_commented_out(f.children, indent + (4 if f.kind == "list_of" else 2), f.kind == "list_of",
                                        t))
        else:
            sample = f.default_yaml() if f.default is not None else f.example
            lines.append(f"# {lead}{f.name}: {sample}  # {_comment(f, t, schema)}")
    return lines


def _wrapped_comment(text: str, width: int = 110) -> list[str]:
    import textwrap

    # Chinese has no spaces to break at: textwrap then cuts at the width, which is fine for a comment.
    return [f"# {line}" for line in textwrap.wrap(text, width - 2, break_long_words=True)]


def config_yaml(site_name: dict[str, str], languages: list[str],
                teams: list[tuple[str, str | dict[str, str]]]) -> str:
    """config/cssite.yml: the given values, and every other key commented out with its default.

    The comments are in the default language (English for a language cssite has no words in)."""
    t = Messages(catalogue_language(languages[0]))
    given = {
        "site_name": ["site_name:"] + [f"  {lang}: {_q(text)}" for lang, text in site_name.items()],
        "languages": [f"languages: [{', '.join(languages)}]"],
        "teams": ["teams:"],
    }
    for team_id, names in teams:
        if isinstance(names, dict) and len(names) == 1:
            names = next(iter(names.values()))  # one language: a plain name reads best
        name = _q(names) if isinstance(names, str) else \
            "{" + ", ".join(f"{lang}: {_q(n)}" for lang, n in names.items()) + "}"
        given["teams"] += [f"  - id: {team_id}  # {_comment(TEAM.field('id'), t, TEAM)}",
                           f"    name: {name}  # {_comment(TEAM.field('name'), t, TEAM)}"]
    lines = _wrapped_comment(t("init.config_header")) + [""]
    for f in CONFIG.fields:
        lines.append(f"# {f.name}: {_comment(f, t, CONFIG)}")
        if f.name in given:
            lines.extend(given[f.name])
        elif f.children is not None:
            lines.append(f"# {f.name}:")
            lines.extend(_commented_out(f.children, 4 if f.kind == "list_of" else 2, f.kind == "list_of", t))
        else:
            lines.append(f"# {f.name}: {f.default_yaml() or f.example}")
        lines.append("")
    return "\n".join(lines)


def _texts(languages: list[str], key: str) -> dict[str, str]:
    """{lang: text} for every chosen language; a language without a catalogue of cssite's own gets English."""
    return {lang: Messages(catalogue_language(lang))(key) for lang in languages}


def _text_yaml(texts: dict[str, str], indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}{lang}: {_q(t)}" for lang, t in texts.items()]


def starter_review(team_id: str, period: Period, languages: list[str]) -> str:
    """One item per quadrant and one objective, texts in every language, each marked as an example."""
    header = Messages(catalogue_language(languages[0]))("init.review_header", period=period.code)
    lines = _wrapped_comment(header) + [f"team: {team_id}", f"period: {period.code}", "summary:"]
    lines += _text_yaml(_texts(languages, "init.summary"), 2)
    for q in QUADRANTS:
        item_id, key = QUADRANT_KEYS[q]
        lines += [f"{q}:", f"  - id: {item_id}", "    text:"]
        lines += _text_yaml(_texts(languages, key), 6)
        if q == "strengths":
            lines.append("    metrics: [csat]")
        if q == "weaknesses":
            lines.append("    metrics: [first_response_time]")
    due_date = _next_quarter(period).end  # the objective is due at the end of next quarter
    lines += ["objectives:", "  - id: G1", "    text:"]
    lines += _text_yaml(_texts(languages, "init.objective"), 6)
    lines += ["    addresses: [W1, O1]", "    metric: first_response_time", "    target: 60",
              f"    due: {due_date.isoformat()}", "    status: planned", ""]
    return "\n".join(lines)


def _next_quarter(p: Period) -> Period:
    y, m = divmod(p.start.month - 1 + 3, 12)
    return Period(dt.date(p.start.year + y, m + 1, 1), "quarter")


def _previous_quarter(p: Period) -> Period:
    y, m = divmod(p.start.month - 1 - 3, 12)
    return Period(dt.date(p.start.year + y, m + 1, 1), "quarter")


def starter_kpis(team_ids: list[str], period: Period) -> str:
    """Two quarters of two metrics per team: example numbers, to be replaced by the team's own."""
    prev = _previous_quarter(period)
    rows = ["period,team,metric,value,n"]
    for t in team_ids:
        rows += [f"{prev.code},{t},csat,84.0,240", f"{period.code},{t},csat,86.5,260",
                 f"{prev.code},{t},first_response_time,95,300", f"{period.code},{t},first_response_time,78,320"]
    return "\n".join(rows) + "\n"


def quarter_of(day: dt.date) -> Period:
    return Period(dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), "quarter")


# Written into the CI files when nobody knows where the team installs cssite from; the CI's install step
# stops with a message naming the variable rather than failing on a URL that does not exist.
PLACEHOLDER_SPEC = "cssite @ git+https://github.com/YOUR-ORG/cssite.git"
# Schemes a CI runner can reach. A file:// URL (a clone on this machine) or a local folder means nothing there.
_REMOTE_SCHEMES = ("https", "http", "ssh", "git")


def install_spec() -> str | None:
    """What CI should `pip install`: the remote git URL this cssite came from, when pip recorded one (PEP 610),
    pinned to the commit that was installed; None when it came from a checkout, a folder or a local clone."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        raw = metadata.distribution("cssite").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    if not raw:
        return None
    info = json.loads(raw)
    vcs, url = info.get("vcs_info"), info.get("url")
    if not vcs or not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme not in _REMOTE_SCHEMES or not parts.hostname:
        return None
    # Never copy a password or token from the URL into a file that gets committed (ssh's `git@` may stay).
    user = parts.username if parts.scheme == "ssh" and parts.username and not parts.password else None
    netloc = (f"{user}@" if user else "") + parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    rev = vcs.get("requested_revision") or vcs.get("commit_id")
    return f"cssite @ {vcs.get('vcs', 'git')}+{clean}" + (f"@{rev}" if rev else "")


def project_home(spec: str | None) -> str | None:
    """A web address for cssite in the project README: the https git URL it was installed from, if any."""
    if not spec:
        return None
    url = spec.split("+", 1)[1].rsplit("@", 1)[0] if "+" in spec else ""
    return url.removesuffix(".git") if url.startswith("https://") else None


def _scaffold(name: str) -> str:
    return (resources.files("cssite") / "data" / "scaffold" / name).read_text(encoding="utf-8")


def _mkdocs_yml() -> str:
    base = (resources.files("cssite") / "data" / "mkdocs-base.yml").read_text(encoding="utf-8")
    return "# The handbook's base MkDocs configuration; every language build extends it.\n" + \
        "\n".join(line for line in base.splitlines() if not line.startswith("# Base MkDocs")) + "\n"


def _code_block(rows: list[tuple[str, str]]) -> list[str]:
    """A ```sh block of commands, each with its comment, the comments in one column."""
    width = max(len(cmd) for cmd, _ in rows) + 2
    return ["```sh", *[f"{cmd.ljust(width)}# {comment}" for cmd, comment in rows], "```"]


def project_readme(languages: list[str], site_name: str, first_team: str, cssite_link: str) -> str:
    """The project's README.md, in the default language (English for a language cssite has no words in)."""
    from cssite.i18n import formats
    from cssite.i18n.languages import locale

    lang = catalogue_language(languages[0])
    t = Messages(lang)
    here = locale(lang)
    names = [(here.languages.get(code.replace("-", "_")) or here.languages.get(code.split("-")[0]) or code)
             for code in languages]
    files = [("config/cssite.yml", "init.readme.file_config"), ("content/reviews/PERIOD/", "init.readme.file_reviews"),
             ("content/metrics/*.csv", "init.readme.file_metrics"),
             ("content/guidance/<lang>/", "init.readme.file_guidance"), ("mkdocs.yml", "init.readme.file_mkdocs")]
    width = max(len(path) for path, _ in files) + 2
    lines = [f"# {site_name}", "", t("init.readme.intro", cssite=cssite_link, languages=formats.join(names, lang)), "",
             f"## {t('init.readme.files')}", "", "```text", *[f"{path.ljust(width)}{t(key)}" for path, key in files],
             "```", "", t("init.readme.reference"), "", f"## {t('init.readme.preview')}", "",
             *_code_block([("cssite serve --open", t("init.readme.serve")),
                           (f"cssite serve --lang {languages[0]}", t("init.readme.serve_lang"))]),
             "", t("init.readme.mistakes"), "", f"## {t('init.readme.next')}", "",
             *_code_block([(f"cssite review new {first_team}", t("init.readme.review_new")),
                           ("cssite diff", t("init.readme.diff"))]),
             "", f"## {t('init.readme.publish')}", "",
             *_code_block([("cssite validate --strict", t("init.readme.validate")),
                           ("cssite build", t("init.readme.build")),
                           ("python3 -m http.server -d site 8000", t("init.readme.view"))]),
             "", t("init.readme.ci", percent=formats.percent(CI_FAIL_UNDER, lang, 0)), ""]
    return "\n".join(lines)


def project_files(languages: list[str], teams: list[StarterTeam], today: dt.date) -> dict[str, str]:
    """Every file of a new project: {path relative to the project: text}."""
    period = quarter_of(today)
    default = languages[0]
    site_name = _texts(languages, "init.site_name")
    # A name given with --team is written under every chosen language (a plain string would count as
    # untranslated in all but the default, and the CI's `i18n status --fail-under` would fail on the first
    # push); the starter team's name comes from each language's catalogue.
    team_names = [(t.id, {lang: t.name for lang in languages} if t.name else _texts(languages, "init.team_name"))
                  for t in teams]
    spec = install_spec()
    home = project_home(spec)
    fill = {"@CSSITE_SPEC@": spec or PLACEHOLDER_SPEC, "@FAIL_UNDER@": str(CI_FAIL_UNDER)}
    cssite_link = f"[cssite]({home})" if home else "cssite"

    def filled(name: str) -> str:
        text = _scaffold(name)
        for k, v in fill.items():
            text = text.replace(k, v)
        return text

    files = {"config/cssite.yml": config_yaml(site_name, languages, team_names)}
    for t in teams:
        files[f"content/reviews/{period.code}/{t.id}.yml"] = starter_review(t.id, period, languages)
    files["content/metrics/example-kpis.csv"] = starter_kpis([t.id for t in teams], period)
    from cssite.i18n.languages import has_builtin_catalogue

    for lang in languages:  # a language cssite has no words in gets a catalogue to translate
        if not has_builtin_catalogue(lang):
            files[f"messages/{lang}.yml"] = catalogue_yaml(lang)
    files["mkdocs.yml"] = _mkdocs_yml()
    files["README.md"] = project_readme(languages, site_name[default], teams[0].id, cssite_link)
    files[".gitignore"] = _scaffold("gitignore")
    files[".github/workflows/handbook.yml"] = filled("handbook.yml")
    files[".gitlab-ci.yml"] = filled("gitlab-ci.yml")
    return files


def example_files() -> dict[str, bytes]:
    """The full example handbook (the one this repository builds), as shipped in the package."""
    files: dict[str, bytes] = {}
    for folder in EXAMPLE_FOLDERS:
        root = _example_dir(folder)

        def walk(node, rel: str) -> None:
            for entry in sorted(node.iterdir(), key=lambda e: e.name):
                if entry.name.startswith((".", "__")):
                    continue
                path = f"{rel}/{entry.name}"
                if entry.is_dir():
                    walk(entry, path)
                elif entry.name.endswith((".yml", ".csv", ".tsv", ".md")):
                    files[path] = entry.read_bytes()
        walk(root, folder)
    files["mkdocs.yml"] = _mkdocs_yml().encode("utf-8")
    ci = project_files(["en", "fr", "ru", "et", "zh"], [StarterTeam("support-emea", None)], dt.date.today())
    for name in ("README.md", ".gitignore", ".github/workflows/handbook.yml", ".gitlab-ci.yml"):
        files[name] = ci[name].encode("utf-8")
    return files


def _example_dir(folder: str):
    shipped = resources.files("cssite") / f"example_{folder}"
    if shipped.is_dir():  # an installed wheel
        return shipped
    checkout = Path(__file__).resolve().parent.parent / folder  # an editable install: the repository itself
    if (checkout.parent / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    raise RuntimeError(f"this cssite installation has no example handbook (no {shipped})")


def check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OptionError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise OptionError(f"{target} is not empty: cssite init writes a new project into an empty or new folder")


def write_files(target: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)


# --- cssite review new ------------------------------------------------------------------------------

CLOSED_STATUSES = ("done", "dropped")
_OWN_HEADER = "started by `cssite review new`"

# How titles name a quarter (the example's and Babel's forms): Q3 / T3, III kvartal / III квартал, 第三季度 / 第3季度.
_ROMAN = ("I", "II", "III", "IV")
_HAN = "一二三四"


def _moved_on(text: str, old: Period, new: Period) -> str:
    """`text` with each way it names the old quarter changed to the new one; unchanged when it names none."""
    import re

    q0, q1 = (old.start.month - 1) // 3 + 1, (new.start.month - 1) // 3 + 1
    out = text.replace(old.code, new.code)
    out = re.sub(rf"(?<![\w-])([QT]){q0}(?!\w)", rf"\g<1>{q1}", out)
    out = re.sub(rf"(?<!\w){_ROMAN[q0 - 1]}(?=\.?\s+(?:kvartal|квартал))", _ROMAN[q1 - 1], out)
    out = re.sub(rf"第[{_HAN[q0 - 1]}{q0}]季度", lambda m: f"第{_HAN[q1 - 1] if m[0][1] in _HAN else q1}季度", out)
    if out != text and old.start.year != new.start.year:
        out = re.sub(rf"(?<!\d){old.start.year}(?!\d)", str(new.start.year), out)
    return out


def _yaml_round_trip(text: str):
    """A ruamel.yaml reader/writer set to the file's own indentation, and the file's data with its comments."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, seq_indent, offset = load_yaml_guess_indent(text)
    best = None
    for mapping in (2, 4, seq_indent or 2):  # the one that writes the file back as it was
        rt = YAML()
        rt.preserve_quotes, rt.width = True, 4096  # never re-wrap or re-quote the team's texts
        rt.indent(mapping=mapping, sequence=seq_indent or 2, offset=offset or 0)
        data = rt.load(text)
        out = io.StringIO()
        rt.dump(data, out)
        if out.getvalue() == text:
            return rt, data
        best = best or (rt, data)
    return best


def next_review_yaml(source_text: str, source_path: str, period: Period) -> tuple[str, list[str]]:
    """Next quarter's review from the text of the latest one: the same items and texts, the open objectives.

    Returns the new file's text and the ids of the objectives left out (done or dropped). The file is the
    team's own, round-tripped by ruamel.yaml: its comments, key order, quoting, flow lists and indentation
    stay; only the period changes, the finished objectives go, and the title's quarter names move on
    (Q3 → Q4, T3 → T4, III → IV kvartal/квартал, 第三季度 → 第四季度; where a title names none it is kept as
    written and the header asks to check it). A header `review new` wrote earlier is replaced, not stacked.
    """
    import io

    lines = source_text.splitlines(keepends=True)
    if lines and lines[0].startswith("#") and _OWN_HEADER in lines[0]:  # the comment block at the top, and the
        end = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))  # blank lines
        while end < len(lines) and not lines[end].strip():
            end += 1
        source_text = "".join(lines[end:])
    rt, data = _yaml_round_trip(source_text)
    old = Period.parse(str(data.get("period")))
    old_code = str(data.get("period"))
    value = data.get("period")
    data["period"] = type(value)(period.code) if isinstance(value, str) and type(value) is not str else period.code
    left_out = []
    objectives = data.get("objectives")
    if isinstance(objectives, list):
        for i in reversed(range(len(objectives))):
            o = objectives[i]
            if isinstance(o, dict) and o.get("status") in CLOSED_STATUSES:
                left_out.insert(0, o)
                del objectives[i]
    title_note = None
    title = data.get("title")
    if title is not None and old is not None:
        texts = title if isinstance(title, dict) else {None: title}
        kept_as_written = []
        for key, text in list(texts.items()):
            if isinstance(text, str):
                moved = _moved_on(text, old, period)
                if moved == text:
                    kept_as_written.append(key)
                elif isinstance(title, dict):
                    title[key] = type(text)(moved) if type(text) is not str else moved
                else:
                    data["title"] = type(text)(moved) if type(text) is not str else moved
        if kept_as_written:
            which = "" if not isinstance(title, dict) else f" ({', '.join(str(k) for k in kept_as_written)})"
            title_note = f"#  - the title{which} names no quarter cssite recognises: check it still fits {period.code};"
        else:
            title_note = f"#  - the title now names {period.code} where it named {old_code}: check the wording;"
    body = io.StringIO()
    rt.dump(data, body)
    closed = ", ".join(f"{o.get('id')} ({o.get('status')})" for o in left_out)
    header = [
        f"# {data.get('team')} for {period.code}, {_OWN_HEADER} from {source_path} ({old_code}).",
        "# Update it for the new quarter; the changes page and `cssite diff` will show exactly what you edit:",
        "#  - items: reword what changed, adjust weight and rating, remove what no longer holds, add new items",
        "#    with new ids (keep the ids of items that stay, never reuse one);",
        "#  - the metrics each item cites;",
        "#  - objectives still open are carried over: update their status, target and due date, add new ones;",
        *([title_note] if title_note else []),
        f"#  - the summary still describes {old_code}.",
    ]
    if left_out:
        header.append(f"# Left out as finished: {closed}.")
    return "\n".join(header) + "\n\n" + body.getvalue(), [str(o.get("id")) for o in left_out]


def next_quarter(p: Period) -> Period:
    return _next_quarter(p)


# --- cssite i18n init ------------------------------------------------------------------------------

def catalogue_yaml(lang: str) -> str:
    """messages/<lang>.yml for a translator: every key cssite uses, with the English text to replace
    (or, for one of cssite's own five languages, its built-in text, to change some words)."""
    from cssite.i18n.languages import display_name, has_builtin_catalogue
    from cssite.i18n.messages import catalogue

    english = catalogue("en")
    own = catalogue(lang) if has_builtin_catalogue(lang) else {}
    lines = [f"# The site's words in {display_name(lang)} ({lang}), written by `cssite i18n init {lang}`.",
             "# Translate each text after the colon; keep the key before it, and keep every {placeholder}",
             "# (the build fills them in). A missing key or a changed placeholder is reported at its line.",
             "# Numbers and dates are formatted by Babel and the theme's buttons by Material, in this language.", ""]
    lines += [f"{key}: {_q(own.get(key, text))}" for key, text in english.items()]
    return "\n".join(lines) + "\n"
