"""Load and validate a work's pack (``facts/<work>/`` and ``prompts/<work>/``) into ``Content``,
and every installed work's into the library.

Every problem is collected as an ``Issue`` naming the file, the item and the field, so one run
of ``python -m bot check`` shows an author everything to fix. ``load_content`` refuses to build
a ``Content`` from a pack with any issue: the bot never starts on content it cannot vouch for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.core.content.items import (
    MIN_TEXT,
    YAML_LOADER,
    ContentInvalid,
    Issue,
    Item,
    later_or_issue,
)
from bot.core.content.model import (
    ROLES,
    TOPICS,
    Alias,
    Card,
    CardKind,
    CardPart,
    Content,
    Credit,
    Depth,
    Fact,
    Link,
    Person,
    Prompt,
    Source,
)
from bot.core.content.work_file import FILE as WORK_FILE
from bot.core.content.work_file import read_work
from bot.core.timeline import SAFE, Medium, Reveal
from bot.core.words import normalise
from bot.core.work import WorkInfo

_CARD_SECTIONS: dict[str, CardKind] = {
    "characters": CardKind.CHARACTER,
    "settings": CardKind.SETTING,
    "terms": CardKind.TERM,
    "themes": CardKind.THEME,
    "differences": CardKind.DIFFERENCE,
}
_FACT_SECTIONS = ("sources", "people", "facts", "vocabulary", "other_works", *_CARD_SECTIONS)
_PROMPT_SECTIONS = ("prompts",)
_VALID_TOPICS = frozenset(f"{group}.{name}" for group, names in TOPICS.items() for name in names)


class _Loader:
    def __init__(self, facts_dir: Path, prompts_dir: Path) -> None:
        self.facts_dir = facts_dir
        self.prompts_dir = prompts_dir
        self.issues: list[Issue] = []
        self.work: WorkInfo | None = None
        self.limits = (0, 0)  # set from work.yaml before any reveal point is read
        self.sources: dict[str, Source] = {}
        self.people: list[Person] = []
        self.facts: list[Fact] = []
        self.cards: dict[CardKind, list[Card]] = {kind: [] for kind in CardKind}
        self.prompts: list[Prompt] = []
        self.links: list[Link] = []
        self.other_works: list[str] = []
        self.seen: dict[tuple[str, str], str] = {}  # (kind, id) -> file
        # Cross-references checked once everything is read: (file, item, field, kind, id).
        self.refs: list[tuple[str, str, str, str, str]] = []

    # -- reading files -------------------------------------------------------------------
    def read_dir(self, directory: Path, sections: tuple[str, ...]) -> list[tuple[str, str, Any]]:
        rel = f"{directory.parent.name}/{directory.name}"  # facts/<work> or prompts/<work>
        if not directory.is_dir():
            self.issues.append(Issue(str(directory), "", "", "content folder not found"))
            return []
        out: list[tuple[str, str, Any]] = []
        for path in sorted(directory.glob("*.yaml")):
            if path.name == WORK_FILE and directory == self.facts_dir:
                continue  # read first, by read_work
            name = f"{rel}/{path.name}"
            try:
                doc = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError) as err:
                self.issues.append(Issue(name, "", "", f"not valid YAML: {err}"))
                continue
            if doc is None:
                continue
            if not isinstance(doc, dict):
                self.issues.append(Issue(name, "", "", "the top level must be a mapping"))
                continue
            for section, items in doc.items():
                if section not in sections:
                    self.issues.append(
                        Issue(name, "", str(section), f"unknown section (allowed here: "
                              f"{', '.join(sections)})")
                    )
                    continue
                if not isinstance(items, list):
                    self.issues.append(Issue(name, "", section, "must be a list"))
                    continue
                out.extend((name, section, item) for item in items)
        return out

    def run(self) -> None:
        self.work = read_work(self, self.facts_dir)
        if self.work is None:
            return  # no ranges to check reveal points against
        timeline = self.work.timeline
        self.limits = (timeline.book.count, timeline.minutes)
        entries = self.read_dir(self.facts_dir, _FACT_SECTIONS)
        entries += self.read_dir(self.prompts_dir, _PROMPT_SECTIONS)
        # Sources first: everything else is checked against them.
        for file, section, data in entries:
            if section == "sources":
                self.source(file, data)
        for file, section, data in entries:
            if section == "people":
                self.person(file, data)
            elif section == "facts":
                self.fact(file, data)
            elif section in _CARD_SECTIONS:
                self.card(file, _CARD_SECTIONS[section], data)
            elif section == "prompts":
                self.prompt(file, data)
            elif section == "vocabulary":
                self.link(file, data)
            elif section == "other_works":
                self.other_work(file, data)
        self.check_refs()
        self.check_names()
        self.check_work()

    def start(self, file: str, kind: str, data: Any) -> tuple[Item, str | None]:
        ident = data.get("id") if isinstance(data, dict) else None
        label = f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} (no id)"
        item = Item(self, file, label, data)
        if not isinstance(data, dict):
            return item, None
        if "id" not in data:
            item.issue("id", "missing")
            return item, None
        ident = item.ident()
        if ident is None:
            return item, None
        if (kind, ident) in self.seen:
            item.issue("id", f"duplicate {kind} id (first defined in {self.seen[(kind, ident)]})")
            return item, None
        self.seen[(kind, ident)] = file
        return item, ident

    # -- kinds ---------------------------------------------------------------------------
    def source(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "source", data)
        item.keys(("id", "title", "url", "reveal", "safe"), ("id", "title", "url"))
        title, url = item.text("title"), item.text("url")
        if url and not url.startswith(("http://", "https://")):
            item.issue("url", "must be an http(s) address")
        # A source is safe unless its title says otherwise.
        reveal = item.reveal() if "reveal" in item.data or "safe" in item.data else SAFE
        if ident and title and url:
            self.sources[ident] = Source(ident, title, url, reveal)

    def person(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "person", data)
        item.keys(("id", "name", "sources", "credits"), ("id", "name", "sources", "credits"))
        name = item.text("name")
        sources = item.sources(required=True)
        credits: list[Credit] = []
        raw = item.data.get("credits")
        if "credits" in item.data and (not isinstance(raw, list) or not raw):
            item.issue("credits", "must be a non-empty list")
            raw = []
        for n, entry in enumerate(raw or []):
            sub = Item(self, file, item.label, entry, f"credits[{n}]")
            sub.keys(("role", "as", "character", "note", "sources", "known"), ("role",))
            role = sub.choice("role", sorted(ROLES))
            as_ = sub.text("as", required=False)
            if role == "cast" and not as_:
                sub.issue("as", "a cast credit needs `as` (the role played)")
            if role and role != "cast" and as_ is not None:
                sub.issue("as", "only cast credits have `as`")
            character = sub.ident("character")
            if character:
                self.refs.append((file, item.label, sub.field_name("character"), "character",
                                  character))
            # known: false on a cast credit: in the cast, but which part is not confirmed.
            known = sub.data.get("known", True)
            if known is not True and (known is not False or role != "cast"):
                sub.issue("known", "must be `false`, on a cast credit whose part is not "
                                   "confirmed")
                known = True
            credits.append(
                Credit(role or "cast", as_, character, sub.text("note", required=False),
                       sub.sources(required=False), known)
            )
        if ident and name:
            self.people.append(Person(ident, name, tuple(credits), sources))

    def fact(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "fact", data)
        item.keys(("id", "topic", "label", "text", "sources", "reveal", "safe", "known", "asks"),
                  ("id", "topic", "text"))
        topic = item.choice("topic", sorted(_VALID_TOPICS))
        text = item.text("text", minimum=MIN_TEXT)
        label = item.text("label", required=False)
        sources = item.sources(required=True)
        reveal = item.reveal()
        known = item.data.get("known", True)
        if known is not True and known is not False:
            item.issue("known", "must be `false` (a fact that records what is not known)")
            known = True
        if ident and topic and text:
            self.facts.append(Fact(ident, topic, text, sources, reveal, label, known,
                                   item.asks()))

    def link(self, file: str, data: Any) -> None:
        """``{words: [...], means: [...], safe: true}`` or with ``reveal``: what a member's
        words mean in the content's words, gated when the link itself tells the story."""
        label = f"vocabulary link {len(self.links) + 1}"
        if isinstance(data, dict) and isinstance(data.get("words"), list) and data["words"]:
            label = f"vocabulary link {data['words'][0]!r}"
        item = Item(self, file, label, data)
        if not isinstance(data, dict):
            return
        item.keys(("words", "means", "reveal", "safe"), ("words", "means"))
        words, means = item.word_list("words"), item.word_list("means")
        reveal = item.reveal(what="a vocabulary link")
        if words and means:
            self.links.append(Link(words, means, reveal))

    def other_work(self, file: str, data: Any) -> None:
        if not isinstance(data, str) or not normalise(data):
            self.issues.append(Issue(file, "other_works", "", "each entry must be a title"))
            return
        self.other_works.append(" ".join(data.split()))

    def aliases(self, item: Item, item_reveal: Reveal) -> tuple[Alias, ...]:
        raw = item.data.get("aliases")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            item.issue("aliases", "must be a list")
            return ()
        out: list[Alias] = []
        for n, entry in enumerate(raw):
            if isinstance(entry, str) and entry.strip():
                out.append(Alias(entry.strip()))
                continue
            sub = Item(self, item.file, item.label, entry, f"aliases[{n}]")
            sub.keys(("name", "reveal", "safe"), ("name",))
            name = sub.text("name")
            reveal = sub.reveal(what="a gated alias")
            if name:
                # Checked here so that a card/alias pair that can never open is reported.
                later_or_issue(sub, "reveal", item_reveal, reveal)
                out.append(Alias(name, reveal))
        return tuple(out)

    def parts(self, item: Item, key: str, card_reveal: Reveal, card_sources: tuple[str, ...]
              ) -> list[CardPart]:
        raw = item.data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            item.issue(key, "must be a list")
            return []
        out: list[CardPart] = []
        for n, entry in enumerate(raw):
            sub = Item(self, item.file, item.label, entry, f"{key}[{n}]")
            part = self.one_part(sub, card_reveal, card_sources)
            if part:
                out.append(part)
        return out

    def one_part(self, sub: Item, card_reveal: Reveal, card_sources: tuple[str, ...],
                 label: str | None = None) -> CardPart | None:
        sub.keys(("text", "reveal", "safe", "sources", "label", "asks"), ("text",))
        text = sub.text("text", minimum=MIN_TEXT)
        reveal = sub.reveal()
        own = sub.sources(required=False)
        label = sub.text("label", required=False) or label
        if not text:
            return None
        # A part never opens before its card does.
        opens = later_or_issue(sub, "reveal", card_reveal, reveal)
        return CardPart(text, opens, tuple(dict.fromkeys(card_sources + own)), label,
                        sub.asks())

    def card(self, file: str, kind: CardKind, data: Any) -> None:
        item, ident = self.start(file, kind.value, data)
        name_key = "topic" if kind is CardKind.DIFFERENCE else "name"
        allowed = {"id", name_key, "aliases", "sources", "reveal", "safe", "parts"}
        if kind is CardKind.THEME:
            allowed |= {"summary", "asks"}
        if kind is CardKind.DIFFERENCE:
            allowed |= {"novel", "film"}
        item.keys(allowed, ("id", name_key))
        name = item.text(name_key)
        sources = item.sources(required=True)
        reveal = item.reveal(what=f"a {kind.noun} card")
        aliases = self.aliases(item, reveal)
        summary = None
        if kind is CardKind.THEME:
            summary = item.text("summary", minimum=MIN_TEXT)
            if "summary" not in item.data:
                item.issue("summary", "missing: a theme needs a spoiler-free summary")
            if not reveal.safe and "reveal" in item.data:
                item.issue("reveal", "a theme card is always `safe: true`; gate its parts")
        parts = self.parts(item, "parts", reveal, sources)
        if kind is CardKind.DIFFERENCE:
            for side, label in (("novel", "In the novel"), ("film", "In the film")):
                if side not in item.data:
                    item.issue(side, "missing")
                    continue
                sub = Item(self, file, item.label, item.data[side], side)
                part = self.one_part(sub, reveal, sources, label)
                if part:
                    parts.insert(0 if side == "novel" else 1, part)
        if not parts and summary is None:
            item.issue("parts", "a card needs at least one part")
        if ident and name:
            self.cards[kind].append(
                Card(kind, ident, name, aliases, reveal, sources, tuple(parts), summary,
                     asks=item.asks())
            )

    def prompt(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "prompt", data)
        item.keys(("id", "text", "themes", "depth", "medium", "reveal", "safe"),
                  ("id", "text", "themes", "depth", "medium"))
        text = item.text("text", minimum=MIN_TEXT)
        themes = item.id_list("themes", lambda _: True, "theme")
        if "themes" in item.data and not themes:
            item.issue("themes", "must name at least one theme")
        for theme in themes:
            self.refs.append((file, item.label, "themes", "theme", theme))
        depth = item.choice("depth", [d.value for d in Depth])
        medium = item.choice("medium", [m.value for m in Medium])
        reveal = item.reveal(what="a prompt")
        if medium == Medium.NOVEL and reveal.film is not None:
            item.issue("reveal", "a novel prompt has no film point")
        if medium == Medium.FILM and reveal.novel is not None:
            item.issue("reveal", "a film prompt has no novel point")
        if ident and text and depth and medium and themes:
            self.prompts.append(Prompt(ident, text, themes, Depth(depth), Medium(medium), reveal))

    # -- whole-pack checks ---------------------------------------------------------------
    def check_refs(self) -> None:
        for file, label, field, kind, ident in self.refs:
            if (kind, ident) not in self.seen:
                self.issues.append(Issue(file, label, field, f"refers to unknown {kind} {ident!r}"))

    def check_names(self) -> None:
        """Two cards of one kind must not answer to the same name."""
        for kind, cards in self.cards.items():
            owners: dict[str, str] = {}
            for card in cards:
                for name in (card.name, *(a.name for a in card.aliases)):
                    key = normalise(name)
                    other = owners.setdefault(key, card.id)
                    if other != card.id:
                        file = self.seen.get((kind.value, card.id), "")
                        self.issues.append(Issue(file, f"{kind.value} {card.id!r}", "aliases",
                                                 f"name {name!r} is also used by {other!r}"))

    def check_work(self) -> None:
        """The work's own sources exist, and each example the help shows names a card that
        is open from the start (the help is read by everyone)."""
        assert self.work is not None
        file = f"{self.facts_dir.parent.name}/{self.facts_dir.name}/{WORK_FILE}"
        for source in self.work.sources:
            if source not in self.sources:
                self.issues.append(Issue(file, "work", "sources", f"unknown source {source!r}"))
        kinds = {"character": CardKind.CHARACTER, "setting": CardKind.SETTING,
                 "term": CardKind.TERM, "theme": CardKind.THEME,
                 "topic": CardKind.DIFFERENCE}
        for kind, name in self.work.examples:
            key = normalise(name)
            found = [c for c in self.cards[kinds[kind]]
                     if key in {normalise(c.name), *(normalise(a.name) for a in c.aliases
                                                     if a.reveal.safe)}]
            if not found or not found[0].reveal.safe:
                self.issues.append(Issue(file, "work", f"examples.{kind}",
                                         f"{name!r} is not a {kind} card open from the start"))

    def build(self) -> Content:
        prompts_by_theme: dict[str, list[str]] = {}
        for prompt in self.prompts:
            for theme in prompt.themes:
                prompts_by_theme.setdefault(theme, []).append(prompt.id)
        cards = {
            kind: tuple(
                Card(c.kind, c.id, c.name, c.aliases, c.reveal, c.sources, c.parts, c.summary,
                     tuple(prompts_by_theme.get(c.id, ())) if kind is CardKind.THEME else (),
                     c.asks)
                for c in cards
            )
            for kind, cards in self.cards.items()
        }
        assert self.work is not None
        return Content(
            work=self.work,
            sources=dict(self.sources),
            people=tuple(self.people),
            facts=tuple(self.facts),
            cards=cards,
            prompts=tuple(self.prompts),
            vocabulary=tuple(self.links),
            other_works=tuple(dict.fromkeys(self.other_works)),
        )


def check_content(facts_dir: Path, prompts_dir: Path) -> list[Issue]:
    loader = _Loader(Path(facts_dir), Path(prompts_dir))
    loader.run()
    return loader.issues


def load_content(facts_dir: Path, prompts_dir: Path) -> Content:
    loader = _Loader(Path(facts_dir), Path(prompts_dir))
    loader.run()
    if loader.issues:
        raise ContentInvalid(loader.issues)
    return loader.build()


# -- the library: every work installed ------------------------------------------------------


def work_dirs(root: Path) -> tuple[tuple[Path, Path], ...]:
    """(facts folder, prompts folder) of each work under ``root``, by work id."""
    facts = Path(root) / "facts"
    if not facts.is_dir():
        return ()
    return tuple((d, Path(root) / "prompts" / d.name)
                 for d in sorted(facts.iterdir()) if d.is_dir() and not d.name.startswith("."))


def _read_library(root: Path) -> tuple[list[Issue], list[_Loader]]:
    issues: list[Issue] = []
    dirs = work_dirs(root)
    if not dirs:
        issues.append(Issue(str(Path(root) / "facts"), "", "", "no works: each work is a folder "
                            "facts/<work-id>/ with a work.yaml (see docs/content-format.md)"))
    for stray in sorted((Path(root) / "facts").glob("*.yaml")):
        issues.append(Issue(f"facts/{stray.name}", "", "", "content belongs in a work's folder, "
                            "facts/<work-id>/"))
    loaders = []
    for facts_dir, prompts_dir in dirs:
        loader = _Loader(facts_dir, prompts_dir)
        loader.run()
        issues.extend(loader.issues)
        loaders.append(loader)
    defaults = [w.id for loader in loaders if (w := loader.work) is not None and w.default]
    if len(defaults) > 1:
        issues.append(Issue("facts", "", "default", f"only one work may be the default, not "
                            f"{', '.join(defaults)}"))
    return issues, loaders


def check_library(root: Path) -> list[Issue]:
    """Every problem in every work under ``root``, and in the library as a whole."""
    return _read_library(root)[0]


def load_library(root: Path) -> tuple[Content, ...]:
    """Every work under ``root``, loaded; ``ContentInvalid`` if any has a problem."""
    issues, loaders = _read_library(root)
    if issues:
        raise ContentInvalid(issues)
    return tuple(loader.build() for loader in loaders)
