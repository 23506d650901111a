"""Render stage: the analysed project → Markdown pages and chart specs for one language."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from cssite.errors import InputError
from cssite.i18n import formats
from cssite.i18n.messages import Messages, MissingMessage
from cssite.model import Metric, Period, Project, Review, Text
from cssite.render.charts import ChartSpec, tick_decimals, y_axis
from cssite.render.sparkline import sparkline
from markupsafe import Markup

from cssite.render import markdown as esc
from cssite.render.markdown import TemplateMessages, attr, relative
from cssite.schema import QUADRANTS, STATUSES

if TYPE_CHECKING:  # the renderer only reads analysis results; it imports no analysis code
    from cssite.analyse.analysed import AnalysedProject, TeamSeries
    from cssite.analyse.trends import Change, KpiState

REFERENCE_PAGES = ("index", "config", "reviews", "kpi-csv", "metrics", "commands")
STATUS_ICONS = {"met": "✔", "near": "◐", "missed": "✘"}
OBJECTIVE_ICONS = {"planned": "○", "in_progress": "◔", "at_risk": "⚠", "done": "✔", "dropped": "✖"}
DIRECTION_ICONS = {"better": "▲", "worse": "▼", "flat": "▶", "neutral": "•"}
GUIDANCE_ORDER = ("index.md", "swot.md", "indicators.md", "service-excellence.md", "why-service-fails.md",
                  "management-analysis.md")


class _ConfinedLoader(jinja2.FileSystemLoader):
    """The project's own templates: a template (or one it includes) that resolves outside the project is refused."""

    def __init__(self, folder: str, root: Path) -> None:
        super().__init__(folder)
        from cssite.load.confine import Confinement

        self.confinement = Confinement(root)

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not self.confinement.inside(Path(filename)):
            raise jinja2.TemplateNotFound(f"{template} (it resolves outside the project folder)")
        return source, filename, uptodate


def template_env(project_root: Path) -> jinja2.Environment:
    """Project templates/ first, then the defaults shipped in the package: a project overrides by file name."""
    loaders = []
    own = Path(project_root) / "templates"
    if own.is_dir():
        loaders.append(_ConfinedLoader(str(own), Path(project_root)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("cssite.templates"))))
    # `{#id}` is Markdown's heading-id syntax here, so Jinja comments use `{## … ##}` instead.
    # Jinja's own autoescape knows HTML only; pages are Markdown, so `finalize` sends every printed value that
    # is not Markup through the one escape function (render/markdown.py), and `e` means the same escaping.
    from cssite import warm

    # bytecode_cache: None in a build of its own; `cssite serve` keeps compiled templates between its builds.
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             bytecode_cache=warm.bytecode_cache(),
                             comment_start_string="{##", comment_end_string="##}", finalize=esc.finalize,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters.update(e=esc.text, escape=esc.text, forceescape=esc.text, code=esc.code)
    return env


@dataclass
class RenderedLanguage:
    lang: str
    pages: dict[str, str]  # path under docs/ → Markdown
    charts: dict[str, ChartSpec] = field(default_factory=dict)  # path under docs/ → spec
    chart_uses: int = 0  # charts shown on pages; identical ones share a file
    nav: list = field(default_factory=list)
    not_in_nav: list[str] = field(default_factory=list)  # pages reachable by links only
    theme_labels: dict[str, str] = field(default_factory=dict)  # words the theme config carries (publish puts them in)
    not_found: tuple[str, str] = ("", "")  # title and text of the site's 404 page in this language
    quality_pages: list[tuple[str, str]] = field(default_factory=list)  # (export name, page) of computed exports
    # Pages under docs/ whose Markdown the project wrote (its guidance pages): their HTML is sanitized (publish)
    user_pages: list[str] = field(default_factory=list)
    redirect: tuple[str, str] = ("", "")  # title and link text of the root page that opens this language
    # PDF path under docs/ → {markdown, footer, page_words, title}: the review packs publish prints (`pdf: true`)
    packs: dict[str, dict] = field(default_factory=dict)


class Page:
    """Helpers a template calls while rendering one page in one language."""

    def __init__(self, r: "LanguageRenderer", path: str) -> None:
        self.r, self.path, self.lang = r, path, r.lang
        self.t = r.tm  # fills placeholders with escaped values and returns Markup

    # --- links -------------------------------------------------------------
    def link(self, target: str) -> Markup:
        return Markup(relative(target, self.path))

    def review_link(self, review: Review) -> Markup:
        return self.link(review_path(review))

    def changes_link(self, review: Review) -> Markup:
        return self.link(changes_path(review))

    def has_changes(self, review: Review) -> bool:
        """A team's first review has nothing to compare with, so it gets no changes page."""
        return self.r.previous.get(id(review)) is not None

    def changes_or_first(self, review: Review, words: str = "") -> Markup:
        """A link to the review's changes page, or "first review" where there is none."""
        if self.has_changes(review):
            return Markup(f"[{words or self.t('changes.link')}]({self.changes_link(review)})")
        return Markup(f'<span class="cs-muted">{self.t("review.first_review")}</span>')

    def team_link(self, team_id: str) -> Markup:
        return self.link(team_path(team_id))

    def metric_link(self, metric_id: str, anchor: str = "") -> Markup:
        return Markup(relative(f"metrics/{metric_id}.md", self.path) + (f"#{anchor}" if anchor else ""))

    def metric_ref(self, metric_id: str) -> Markup:
        """The metric's name as a link to its page (Markdown), for a message's placeholder."""
        return Markup(f"[{self.metric_name(metric_id)}]({self.metric_link(metric_id)})")

    # --- user text -----------------------------------------------------------
    def text(self, value: Text | None, block: bool = False) -> Markup:
        """User text in this language, escaped; a fallback is marked with its language and 'not translated'.

        `block`: the text is user Markdown (a summary): rendered to sanitized HTML (see render/markdown.py).
        """
        if value is None:
            return Markup("")
        s, got = value.resolve(self.lang, self.r.default)
        if block:
            body = esc.summary_block(s, None if got == self.lang else got)
        else:
            body = esc.text(s)
        if got == self.lang:
            return body
        mark = Markup(f'<small class="cs-untranslated" title="{attr(self.t("untranslated.title"))}">'
                      f'{self.t("untranslated")}</small>')
        if block:
            return Markup(f"{body}\n\n{mark}")
        return Markup(f'<span lang="{attr(got)}">{body}</span> {mark}')

    def team_name(self, team_id: str) -> Markup:
        if team_id == "all":
            return self.t("team.all")
        team = self.r.project.config.team(team_id)
        return self.text(team.name) if team else esc.text(team_id)

    def item_rows(self, changes) -> list[tuple[list[str], object, object]]:
        """One row per item: (the kinds of change, the item before, the item after)."""
        rows: list[tuple[list[str], object, object]] = []
        for ch in changes:  # a diff lists one item's changes next to each other
            if rows and (rows[-1][2] or rows[-1][1]) is (ch.new or ch.old):
                rows[-1][0].append(ch.kind)
            else:
                rows.append(([ch.kind], ch.old, ch.new))
        return rows

    def item_change_detail(self, kinds: list[str], item) -> Markup:
        """What a re-weighting, re-rating or change of cited metrics changed, shown after the item's text."""
        out = ""
        if "reweighted" in kinds:
            out += f' <small class="cs-weight">{self.t("review.weight", weight=item.weight or self.t("punct.none"))}</small>'
        if "rerated" in kinds:
            out += f' <small class="cs-weight">{self.t("review.rating", rating=item.rating or self.t("punct.none"))}</small>'
        if "relinked" in kinds:
            names = self.join(self.metric_name(m) for m in item.metrics)
            cited = self.t("metric.cited", metrics=names) if names else self.t("metric.none_cited")
            out += str(self.parens(cited))  # str: adding Markup to a str would escape what came before
        return Markup(out)

    def title(self, *parts: str) -> Markup:
        """A front-matter `title:` value (the browser tab's title), quoted for YAML.

        The theme writes it into the HTML as it is, so plain parts are escaped for HTML here.
        """
        sep = str(self.t("punct.separator"))
        return Markup(json.dumps(sep.join(esc.html_text(p) for p in parts), ensure_ascii=False))

    # --- punctuation: every mark comes from the language's catalogue or from Babel -----------
    def join(self, items) -> Markup:
        """`A, B and C` in en, `A、B和C` in zh (Babel's list patterns); plain items are escaped first."""
        return Markup(formats.join([str(esc.text(i)) for i in items], self.lang))

    def join_messages(self, prefix: str, keys) -> Markup:
        """The messages `prefix + key` for each key, as one list: `join_messages("quadrant.", ["strengths"])`."""
        return self.join(self.t(prefix + k) for k in keys)

    def parens(self, text) -> Markup:
        """An aside after a word, with the language's own brackets and spacing: ` (x)`, `（x）`."""
        return self.t("punct.parens", text=text)


    def team_plain(self, team_id: str) -> str:
        team = self.r.project.config.team(team_id)
        return self.plain(team.name) if team else team_id

    def metric_name(self, metric_id: str) -> Markup:
        return self.text(self.r.project.metrics[metric_id].name)

    def plain(self, value: Text | None) -> str:
        """User text without marks (for alt text and titles)."""
        return value.resolve(self.lang, self.r.default)[0] if value else ""

    # --- numbers and dates ---------------------------------------------------
    # Numbers and dates are the tool's own text (Babel's), escaped for Markdown all the same: a leading
    # "-" or "+" must not start a list.
    def value(self, v: float | None, metric: Metric) -> Markup:
        return self.t("punct.none") if v is None else esc.text(formats.kpi_value(v, metric.unit, self.lang))

    def count(self, v: float | None) -> Markup:
        return self.t("punct.none") if v is None else esc.text(formats.number(v, self.lang, 0))

    def score(self, v: float) -> Markup:
        return esc.text(formats.number(v, self.lang, 2))

    def percent(self, share: float) -> Markup:
        return esc.text(formats.percent(share * 100, self.lang, 0))

    def score_change(self, v: float) -> Markup:
        return esc.text(formats.signed(v, self.lang, 2))

    def period(self, p: Period) -> Markup:
        return esc.text(formats.period(p, self.lang))

    # A date is one unit: it never breaks over two lines (zh has no spaces to keep it whole, so CSS does it).
    def long_date(self, d: dt.date) -> Markup:
        return Markup(f'<span class="cs-date">{esc.text(formats.date(d, self.lang))}</span>')

    def date(self, d: dt.date | None) -> Markup:
        if d is None:
            return self.t("punct.none")
        return Markup(f'<span class="cs-date">{esc.text(formats.short_date(d, self.lang))}</span>')


    def change(self, c: Change | None, metric: Metric) -> Markup:
        """`▲ +2,5 pp` for a significant change; the delta and 'not significant' otherwise."""
        if c is None:
            return self.t("punct.none")
        delta = esc.text(formats.kpi_change(c.delta, metric.unit, self.lang))
        if metric.unit == "percent":
            delta = self.t("unit.pp", value=delta)
        if not c.significant:  # muted, its words for screen readers only: the legend explains the grey once
            ns = self.t("change.not_significant")
            return Markup(f'<span class="cs-change cs-change--ns" title="{ns}">{delta}'
                          f'<span class="cs-sr">{self.parens(ns)}</span></span>')
        word = self.t(f"change.{c.direction}")
        return Markup(f'<span class="cs-change cs-change--{c.direction}" title="{attr(word)}">'
                      f'{DIRECTION_ICONS[c.direction]} {delta}</span>')

    def status(self, s: str | None) -> Markup:
        if s is None:
            return Markup(f'<span class="cs-status cs-status--none">{self.t("status.none")}</span>')
        return Markup(f'<span class="cs-status cs-status--{s}">{STATUS_ICONS[s]} {self.t("status." + s)}</span>')

    def objective_status(self, s: str) -> Markup:
        """A coloured badge with an icon and the word, like a KPI status."""
        return Markup(f'<span class="cs-ostatus cs-ostatus--{s}">{OBJECTIVE_ICONS[s]} '
                      f'{self.t("objective_status." + s)}</span>')

    # --- home page and action plan ---------------------------------------------
    def review_title(self, review: Review) -> Markup:
        """The review's own title, or "Q3 2026 review": the period is said once."""
        if review.title:
            return self.text(review.title)
        return self.t("review.default_title", period=self.period(review.period))

    def main_period(self, states) -> Period | None:
        """The period most of these KPI values are from (the newest on a tie): the others get marked."""
        counts: dict[Period, int] = {}
        for s in states:
            counts[s.latest.period] = counts.get(s.latest.period, 0) + 1
        return max(counts, key=lambda p: (counts[p], p)) if counts else None

    def tally(self, counts: dict[str, int]) -> Markup:
        """One line: how many of the team's KPIs met, nearly met or missed their target."""
        parts = [f'<span class="cs-status cs-status--{s}">{STATUS_ICONS[s]} '
                 f'{self.t("home.tally." + s, count=self.count(counts[s]))}</span>' for s in ("met", "near", "missed")]
        return self.t("home.tally", counts=self.t("punct.separator").join(Markup(p) for p in parts))

    def sparkline(self, points, metric: Metric, target: float | None) -> Markup:
        if len(points) < 2:
            return Markup("")
        plain = self.r.t  # an attribute value: plain words, escaped once by sparkline()
        label = plain("home.sparkline", metric=self.plain(metric.name),
                      start=formats.period(points[0].period, self.lang), end=formats.period(points[-1].period, self.lang),
                      first=formats.kpi_value(points[0].value, metric.unit, self.lang),
                      last=formats.kpi_value(points[-1].value, metric.unit, self.lang))
        return sparkline([p.value for p in points], label, target)

    def sample_sparkline(self) -> Markup:
        """The legend's small example line (decoration: the legend's words say what it is)."""
        return sparkline([2, 3, 2.5, 4], "", 3, decorative=True)

    def sample_change(self) -> Markup:
        return esc.text(formats.signed(1.2, self.lang, 1))

    def progress(self, e) -> Markup:
        """An action-plan entry's progress: a bar with its figure once a newer value exists, else why not."""
        if e.progress is None:
            if e.current is not None and not e.newer:
                return Markup(f'<span class="cs-muted">{self.t("plan.no_newer", period=self.period(e.current.latest.period))}'
                              '</span>')
            return self.t("punct.none")
        pct = round(e.progress * 100)
        figure = formats.percent(e.progress * 100, self.lang, 0)
        detail = ""
        if e.start is not None and e.current is not None:
            detail = self.t("plan.progress_detail", start=self.value(e.start, e.current.metric),
                            now=self.value(e.current.latest.value, e.current.metric),
                            period=self.period(e.current.latest.period))
        return Markup(f'<span class="cs-progress" role="progressbar" aria-valuenow="{pct}" aria-valuemin="0" '
                      f'aria-valuemax="100" aria-valuetext="{attr(figure)}" aria-label="{attr(self.r.t("col.progress"))}">'
                      f'<span class="cs-progress__bar" style="width: {pct}%"></span></span> '
                      f'<span class="cs-progress__figure">{esc.text(figure)}</span>'
                      + (f' <small class="cs-progress__detail">{detail}</small>' if detail else ""))

    def interval(self, low: float | None, high: float | None, metric: Metric) -> Markup:
        if low is None or high is None:
            return self.t("punct.none")
        return self.t("interval", low=self.value(low, metric), high=self.value(high, metric))

    def kpi_cell(self, s: KpiState | None) -> Markup:
        """Compact inline evidence: value, status, trend."""
        if s is None:
            return self.t("no_data")
        parts = [self.value(s.latest.value, s.metric)]
        if s.target is not None:
            parts.append(self.t("evidence.target", value=self.value(s.target, s.metric)))
        parts += [self.status(s.status), self.change(s.previous, s.metric)]
        return self.t("punct.separator").join(parts)


def quality_slug(source: str) -> str:
    """`content/exports/zendesk-tickets.csv` → `content-exports-zendesk-tickets`: one page per export path."""
    return re.sub(r"[^a-z0-9]+", "-", Path(source).with_suffix("").as_posix().lower()).strip("-")


def quality_rows(report: dict) -> dict:
    """The data-quality report of one export (its JSON form) as the rows its page prints."""
    files = report.get("files", [])
    columns = {k: v for f in files for k, v in f.get("columns", {}).items()}
    placeholders = report.get("placeholders", {})
    event_log = report.get("event_log")
    formats: dict[str, str] = {}
    for f in files:
        for k, v in f.get("date_formats", {}).items():
            formats.setdefault(k, v)
    return dict(
        unit=report.get("unit", "tickets"),
        summary=[("quality.rows_read", report.get("rows_read", 0)), ("quality.kept." + report.get("unit", "tickets"),
                                                                       report.get("tickets", 0)),
                 ("quality.rows_dropped", report.get("rows_dropped", 0)),
                 ("quality.malformed", sum(f.get("malformed_rows", 0) for f in files)),
                 ("quality.placeholders", sum(placeholders.values())),
                 ("quality.solved_ignored", report.get("solved_dates_ignored", 0))],
        drops=[("quality.drop." + d["code"], d.get("field", ""), d.get("value", ""), d["count"])
               for d in report.get("drops", [])],
        placeholders=[(f, columns.get(f, ""), n) for f, n in sorted(placeholders.items())],
        undeclared=[(f, v, n) for f, values in sorted(report.get("undeclared", {}).items()) for v, n in values.items()],
        formats=[(f, columns.get(f, ""), fmt) for f, fmt in sorted(formats.items())],
        event_log=None if not event_log else dict(merged=event_log["rows_merged"],
                                                  order="quality.order." + event_log["order"].split(" ")[0]),
        problems=[(p["column"], p["field"], "quality.problem." + p["code"], p["count"], [str(n) for n in p["lines"]])
                  for p in report.get("problems", [])],
    )


def review_path(review: Review) -> str:
    return f"reviews/{review.period.code}/{review.team}.md"


def team_path(team_id: str) -> str:
    return f"teams/{team_id}.md"


def changes_path(review: Review) -> str:
    return f"reviews/{review.period.code}/{review.team}/changes.md"


def pack_path(review: Review, lang: str) -> str:
    """The review pack's PDF, beside the review's changes page; its name says what it is once downloaded."""
    return f"reviews/{review.period.code}/{review.team}/{review.team}-{review.period.code}-{lang}.pdf"


def _body(markdown: str) -> str:
    """A rendered page without its front matter."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + 5:]
    return markdown


class LanguageRenderer:
    """Renders every page of the site in one language from the analysed project.

    It formats and prints; it never analyses: every state, change, suggestion,
    TOWS class, progress figure and diff comes from `AnalysedProject`, built once
    for all languages.
    """

    def __init__(self, analysed: AnalysedProject, lang: str, env: jinja2.Environment,
                 commands: list[dict] | None = None) -> None:
        self.analysed, self.project, self.lang, self.env = analysed, analysed.project, lang, env
        self.commands = commands or []  # the CLI's commands, for the Reference (the CLI passes them down)
        self.default = self.project.config.default_language
        self.t = Messages(lang, self.project.messages.get(lang))  # plain text (navigation, chart labels): escaped where it is handed on
        from cssite.i18n.messages import BUILTIN_CATALOGUES, catalogue

        # What templates and page helpers use; a project's own catalogue texts are escaped as user text (a text
        # `i18n init` copied from cssite's English and left untranslated is still cssite's own).
        self.tm = TemplateMessages(self.t, catalogue(lang if lang in BUILTIN_CATALOGUES else "en"))
        self.out = RenderedLanguage(lang, {})
        self.previous = {id(f.review): f.previous for f in analysed.reviews}  # a first review has None
        self.team_charts: dict[tuple[str, str], tuple[str, str]] = {}  # (metric, team) → (chart path, alt text)

    def render(self) -> RenderedLanguage:
        a, p = self.analysed, self.project
        kpis = {f.team.id: f.kpis for f in a.teams}
        self.page("index.md", "home.md.j2", latest=a.latest, teams=p.config.teams, kpis=kpis,
                  newest_of={f.team.id: f.newest for f in a.teams}, cards=a.cards)
        self.page("reviews/index.md", "reviews.md.j2", periods=[
            (period, [(r, len(r.items), len(r.objectives)) for r in rs]) for period, rs in a.periods])
        for f in a.reviews:
            r = f.review
            pdf_link = Page(self, review_path(r)).link(pack_path(r, self.lang)) if p.config.pdf else ""
            self.page(review_path(r), "review.md.j2", review=r, previous=f.previous, evidence=f.evidence,
                      suggestions=f.suggestions, matrix=f.matrix, objectives=f.objectives, scores=f.scores,
                      prev_scores=f.prev_scores, git=f.git, quadrants={q: r.quadrant(q) for q in QUADRANTS},
                      pdf_link=pdf_link)
            if f.previous is not None:  # a first review has nothing to compare with: no empty changes page
                self.page(changes_path(r), "changes.md.j2", review=r, previous=f.previous, diff=f.diff)
        # The Metrics section lists what this handbook measures; the whole catalogue is in the Reference,
        # whose table links every metric's page (so those pages exist while the Reference does).
        self.page("metrics/index.md", "metrics.md.j2", metrics=a.nav_metrics,
                  teams_with_data={m: len(s) for m, s in a.series.items()})
        quality = self.quality_pages()
        for m in (p.metrics.values() if p.config.reference else a.nav_metrics):
            self.metric_page(m, a.series[m.id], quality.get(m.id, []))
        if p.config.pdf:
            for f in a.reviews:
                self.review_pack(f)
        rows = [(f.team, len(f.reviews), f.open_objectives) for f in a.teams]
        self.page("teams/index.md", "teams.md.j2", rows=rows)
        for f in a.teams:
            self.page(team_path(f.team.id), "team.md.j2", team=f.team, plan=f.plan, reviews=f.reviews)
        self.guidance_pages()
        if p.config.reference:
            self.reference_pages()
        self.out.nav = self.nav()
        t = self.t
        self.out.theme_labels = {"to_dark": t("theme.to_dark"), "to_light": t("theme.to_light"),
                                 "permalink": t("theme.permalink")}
        self.out.not_found = (t("notfound.title"), t("notfound.text"))
        self.out.redirect = (t("redirect.title"), t("redirect.link"))
        return self.out

    # --- pages ---------------------------------------------------------------
    def page(self, path: str, template: str, **context) -> None:
        if path in self.out.pages:  # ids are validated so this cannot happen; never overwrite silently
            raise AssertionError(f"two pages at {path}")
        c = Page(self, path)
        try:
            tpl = self.env.get_template(template)
            self.out.pages[path] = tpl.render(c=c, t=self.tm, project=self.project, lang=self.lang,
                                              QUADRANTS=QUADRANTS, STATUSES=STATUSES, **context)
        except (jinja2.TemplateError, MissingMessage) as exc:
            where = _project_template_line(exc, Path(self.project.root) / "templates")
            if where is None:
                raise  # a default template is broken: a bug in cssite, not the user's doing
            detail = exc.args[0] if isinstance(exc, MissingMessage) else str(exc)
            raise InputError(f"{detail} (while rendering {path} in '{self.lang}')", *where) from None

    def quality_pages(self) -> dict[str, list[tuple[str, str]]]:
        """A data-quality page per computed export; returns metric id -> [(export name, page)] it feeds."""
        kpis, feeds = self.project.kpis, {}
        for source, report in sorted(self.project.export_reports.items()):
            path, name = f"data-quality/{quality_slug(source)}.md", Path(source).name
            metrics = sorted(set(kpis.metric[kpis.source == Path(source).as_posix()]), key=list(self.project.metrics).index)
            self.page(path, "quality.md.j2", name=name, metrics=metrics, **quality_rows(report))
            self.out.quality_pages.append((name, path))
            for m in metrics:
                feeds.setdefault(m, []).append((name, path))
        return feeds

    def metric_page(self, m: Metric, series: list[TeamSeries], quality: list[tuple[str, str]] = ()) -> None:
        path = f"metrics/{m.id}.md"
        teams = []
        axis = self.metric_axis(m, series)
        for s in series:
            chart = self.chart_for(m, s, axis)
            self.out.charts[f"assets/charts/{chart.key}.svg"] = chart
            self.out.chart_uses += 1
            alt = self.chart_alt(m, s.team, s.points)
            self.team_charts[(m.id, s.team)] = (f"assets/charts/{chart.key}.svg", alt)
            teams.append(dict(id=s.team, points=s.points, rows=s.rows, target=s.target, chart=chart, alt=alt))
        self.page(path, "metric.md.j2", metric=m, teams=teams, has_band=any(c["chart"].band_low for c in teams),
                  quality=quality)

    def review_pack(self, f) -> None:
        """The review's PDF pack as Markdown: the review page, its KPIs with charts, the plan, the changes."""
        r = f.review
        path = pack_path(r, self.lang)
        kpis = []
        for mid, state in f.cited:
            chart, alt = self.team_charts.get((mid, r.team), ("", ""))
            kpis.append(dict(metric=mid, state=state, chart=Markup(chart), alt=alt))
        changes = self.out.pages.get(changes_path(r))
        self.page(path + ".md", "review-pack.md.j2", review=r, kpis=kpis, plan=f.plan,
                  review_body=Markup(_body(self.out.pages[review_path(r)])),
                  changes_body=Markup(_body(changes).split("\n", 2)[-1]) if changes else "")
        markdown = self.out.pages.pop(path + ".md")  # a pack is printed, not a page of the site
        c = Page(self, path)
        sep = str(self.t("punct.separator"))
        footer = sep.join([c.team_plain(r.team), formats.period(r.period, self.lang)])
        self.out.packs[path] = dict(markdown=markdown, footer=footer, page_words=self.t("pdf.page"),
                                    title=sep.join([footer, c.plain(r.title)]) if r.title else footer)

    def metric_axis(self, m: Metric, series: list[TeamSeries]) -> tuple[tuple[float, ...], tuple[str, ...]]:
        """One y-range and one tick step for every team's chart of a metric, so they compare by eye."""
        values = [v for s in series for p in s.points for v in (p.value, p.ci_low, p.ci_high) if v is not None]
        values += [s.target for s in series if s.target is not None]
        if not values:
            return (), ()
        decimals = formats.unit_decimals(m.unit)
        ticks = y_axis(values, None, decimals, formats.unit_bounds(m.unit))
        shown = tick_decimals(ticks, decimals)  # every tick written alike: "93 %" never beside "95.0 %"
        return tuple(ticks), tuple(formats.kpi_value(v, m.unit, self.lang, shown) for v in ticks)

    def chart_for(self, m: Metric, s: TeamSeries, axis: tuple[tuple[float, ...], tuple[str, ...]]) -> ChartSpec:
        target, pts = s.target, s.points
        values = [p.value for p in pts]
        fmt = lambda v: formats.kpi_value(v, m.unit, self.lang)  # noqa: E731
        has_band = any(p.ci_low is not None and p.ci_high is not None for p in pts)
        return ChartSpec(
            x_labels=tuple(formats.period(p.period, self.lang) for p in pts),
            values=tuple(values), value_labels=tuple(fmt(v) for v in values),
            y_ticks=axis[0], y_tick_labels=axis[1],
            target=target, target_label=self.t("chart.target", value=fmt(target)) if target is not None else "",
            band_low=tuple(p.ci_low for p in pts) if has_band else (),
            band_high=tuple(p.ci_high for p in pts) if has_band else (),
        )

    def chart_alt(self, m: Metric, team: str, pts) -> Markup:
        c = Page(self, "")
        name = c.plain(m.name)
        team_name = self.t("team.all") if team == "all" else c.plain(self.project.config.team(team).name)
        first, last = pts[0], pts[-1]
        return Markup(esc.alt(self.t("chart.alt", metric=name, team=team_name,
                                 start=formats.period(first.period, self.lang), end=formats.period(last.period, self.lang),
                                 first=formats.kpi_value(first.value, m.unit, self.lang),
                                 last=formats.kpi_value(last.value, m.unit, self.lang))))

    def guidance_pages(self) -> None:
        from cssite.load.guidance import source_language

        sources = self.project.guidance_sources
        own = self.project.guidance.get(self.lang, {})
        fallback = self.project.guidance.get(self.default, {})
        for name in sorted(set(own) | set(fallback), key=_guidance_key):
            pages, lang = (own, self.lang) if name in own else (fallback, self.default)
            source = sources.get(lang, {}).get(name, "")
            written_in = source_language(source) or lang
            if not source.startswith("cssite:"):  # the project's own page: MkDocs renders it, nh3 cleans it
                self.out.user_pages.append(f"guidance/{name}")
            if written_in == self.lang:
                self.out.pages[f"guidance/{name}"] = pages[name]
            else:  # another language's page (the default's, or English for a language cssite has none in)
                note = f'!!! note "{self.tm("untranslated")}"\n    {self.tm("untranslated.page")}\n\n'
                title, _, rest = pages[name].partition("\n")
                self.out.pages[f"guidance/{name}"] = f'{title}\n\n{note}<div lang="{written_in}" markdown>\n{rest}\n</div>\n'

    def reference_pages(self) -> None:
        from cssite.render.reference import reference_context

        ctx = reference_context(self.project, self.tm, self.commands)
        for name in REFERENCE_PAGES:
            self.page(f"reference/{name}.md", f"reference-{name}.md.j2", **ctx)

    # --- navigation ------------------------------------------------------------
    def nav(self) -> list:
        t, p = self.t, self.project
        c = Page(self, "")
        reviews = [{t("nav.all_reviews"): "reviews/index.md"}]
        for period, rs in self.analysed.periods:
            entries = []
            for r in rs:  # each review with its changes page right beneath it
                name = c.plain(p.config.team(r.team).name)
                entries.append({name: review_path(r)})
                if self.previous.get(id(r)) is not None:
                    entries.append({t("nav.changes", team=name): changes_path(r)})
            reviews.append({formats.period(period, self.lang): entries})
        self.out.not_in_nav = [f"metrics/{m.id}.md" for m in self.analysed.hidden_metrics
                               if f"metrics/{m.id}.md" in self.out.pages]
        metrics = [{t("nav.all_metrics"): "metrics/index.md"}] + [
            {c.plain(m.name): f"metrics/{m.id}.md"} for m in self.analysed.nav_metrics] + [
            {t("quality.nav", name=name): path} for name, path in self.out.quality_pages]
        teams = [{t("nav.all_teams"): "teams/index.md"}] + [
            {c.plain(team.name): team_path(team.id)} for team in p.config.teams]
        guidance = [f"guidance/{name}" for name in sorted(
            (k[len("guidance/"):] for k in self.out.pages if k.startswith("guidance/")), key=_guidance_key)]
        reference = [f"reference/{n}.md" for n in REFERENCE_PAGES]
        nav = [{t("nav.home"): "index.md"}, {t("nav.reviews"): reviews}, {t("nav.metrics"): metrics},
               {t("nav.teams"): teams}]
        if guidance:
            nav.append({t("nav.guidance"): guidance})
        if p.config.reference:
            nav.append({t("nav.reference"): reference})
        return nav


def _project_template_line(exc: Exception, folder: Path) -> tuple[str, int] | None:
    """(`templates/home.md.j2`, 12) when the error comes from one of the project's own templates."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        candidates = [(exc.filename, exc.lineno)]
    else:  # Jinja rewrites tracebacks so that template frames carry the template's file and line
        tb, candidates = exc.__traceback__, []
        while tb is not None:
            candidates.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
    folder = folder.resolve()
    for filename, line in reversed(candidates):
        path = Path(filename)
        if path.suffix == ".j2" and path.resolve().parent == folder:
            return f"templates/{path.name}", line
    return None


def _guidance_key(name: str):
    return (GUIDANCE_ORDER.index(name) if name in GUIDANCE_ORDER else len(GUIDANCE_ORDER), name)
