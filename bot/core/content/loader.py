"""Load and validate ``facts/`` and ``prompts/`` into ``Content``.

Every problem is collected as an ``Issue`` naming the file, the item and the field, so one run
of ``python -m bot check`` shows an author everything to fix. ``load_content`` refuses to build
a ``Content`` from a pack with any issue: the bot never starts on content it cannot vouch for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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
from bot.core.timeline import FILM_MINUTES, NOVEL_CHAPTERS, SAFE, Medium, Reveal
from bot.core.words import normalise

# libyaml's loader is about 8x faster than the pure-Python one (reference/testing-notes.md).
_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
_MIN_TEXT = 12  # shorter "story text" is almost certainly a mistake


@dataclass(frozen=True, slots=True)
class Issue:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.item, self.field) if p)
        return f"{where}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} problem(s) in the content:\n{lines}{more}")


class _Item:
    """One mapping in a file; records issues against it by field path."""

    def __init__(self, loader: _Loader, file: str, label: str, data: Any, path: str = "") -> None:
        self.loader = loader
        self.file = file
        self.label = label
        self.data = data if isinstance(data, dict) else {}
        self.path = path
        if not isinstance(data, dict):
            self.issue("", f"expected a mapping, found {type(data).__name__}")

    def field_name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def issue(self, key: str, message: str) -> None:
        self.loader.issues.append(Issue(self.file, self.label, self.field_name(key), message))

    def keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.issue(str(key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in self.data:
                self.issue(key, "missing")

    def text(self, key: str, *, required: bool = True, minimum: int = 1) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required and key in self.data:
                self.issue(key, "is empty")
            return None
        if not isinstance(value, str) or not value.strip():
            self.issue(key, "must be non-empty text")
            return None
        value = " ".join(value.split())
        if len(value) < minimum:
            self.issue(key, f"is too short ({len(value)} characters; at least {minimum})")
        return value

    def ident(self, key: str = "id") -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or value != value.strip():
            self.issue(key, "must be a non-empty id")
            return None
        return value

    def choice(self, key: str, options: Iterable[str]) -> str | None:
        value = self.data.get(key)
        options = tuple(options)
        if value is None:
            return None
        if value not in options:
            self.issue(key, f"{value!r} is not one of: {', '.join(options)}")
            return None
        return value

    def id_list(self, key: str, known: Callable[[str], bool], what: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.issue(key, f"must be a list of {what} ids")
            return ()
        for v in value:
            if not known(v):
                self.issue(key, f"unknown {what} {v!r}")
        return tuple(dict.fromkeys(value))

    def sources(self, *, required: bool) -> tuple[str, ...]:
        if "sources" not in self.data:
            if required:
                self.issue("sources", "missing: every fact names at least one source")
            return ()
        found = self.id_list("sources", self.loader.sources.__contains__, "source")
        if required and not self.data["sources"]:
            self.issue("sources", "is empty: every fact names at least one source")
        return found

    def reveal(self, *, what: str = "story text") -> Reveal:
        """``reveal: {novel, film}`` or ``safe: true``: exactly one of them."""
        has_reveal, has_safe = "reveal" in self.data, "safe" in self.data
        if has_reveal and has_safe:
            self.issue("reveal", "give either `reveal` or `safe: true`, not both")
            return SAFE
        if has_safe:
            if self.data["safe"] is not True:
                self.issue("safe", "must be `true`; story content needs `reveal` instead")
                return _UNKNOWN
            return SAFE
        if not has_reveal:
            self.issue("reveal", f"{what} with no reveal point (add `reveal` or `safe: true`)")
            return _UNKNOWN
        raw = self.data["reveal"]
        sub = _Item(self.loader, self.file, self.label, raw, self.field_name("reveal"))
        if not isinstance(raw, dict):
            return _UNKNOWN
        sub.keys(("novel", "film"))
        novel = sub.point("novel", NOVEL_CHAPTERS, "chapter")
        film = sub.point("film", FILM_MINUTES, "minute")
        if novel is None and film is None:
            if "novel" not in raw and "film" not in raw:
                self.issue("reveal", f"{what} with no reveal point on either timeline")
            return _UNKNOWN
        return Reveal(novel=novel, film=film)

    def word_list(self, key: str) -> tuple[str, ...]:
        """A non-empty list of words or phrases, each with at least one letter or digit."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.issue(key, "must be a non-empty list of words")
            return ()
        out = []
        for word in value:
            if not isinstance(word, str | int) or not normalise(str(word)):
                self.issue(key, f"{word!r} is not a word")
                continue
            out.append(normalise(str(word)))
        return tuple(dict.fromkeys(out))

    def point(self, key: str, top: int, unit: str) -> int | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(key, f"must be a whole {unit} number")
            return None
        if not 1 <= value <= top:
            self.issue(key, f"{unit} {value} is out of range (1-{top})")
            return None
        return value


def _later_or_issue(item: _Item, key: str, card: Reveal, own: Reveal) -> Reveal:
    """The later of a card's point and a part's; a pair that can never open is an issue
    (a card only in the novel with a part only in the film, say)."""
    try:
        return card.later(own)
    except ValueError:
        item.issue(key, f"can never open: the card opens at {card.describe()} but this at "
                        f"{own.describe()}, and no one timeline has both")
        return _UNKNOWN


# Stands in for a reveal that failed to parse, so loading can go on and report everything;
# ``load_content`` never returns content built with it because the issue list is not empty.
_UNKNOWN = Reveal(novel=NOVEL_CHAPTERS, film=FILM_MINUTES)


class _Loader:
    def __init__(self, facts_dir: Path, prompts_dir: Path) -> None:
        self.facts_dir = facts_dir
        self.prompts_dir = prompts_dir
        self.issues: list[Issue] = []
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
        rel = directory.name
        if not directory.is_dir():
            self.issues.append(Issue(str(directory), "", "", "content folder not found"))
            return []
        out: list[tuple[str, str, Any]] = []
        for path in sorted(directory.glob("*.yaml")):
            name = f"{rel}/{path.name}"
            try:
                doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
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

    def start(self, file: str, kind: str, data: Any) -> tuple[_Item, str | None]:
        ident = data.get("id") if isinstance(data, dict) else None
        label = f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} (no id)"
        item = _Item(self, file, label, data)
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
            sub = _Item(self, file, item.label, entry, f"credits[{n}]")
            sub.keys(("role", "as", "character", "note", "sources"), ("role",))
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
            credits.append(
                Credit(role or "cast", as_, character, sub.text("note", required=False),
                       sub.sources(required=False))
            )
        if ident and name:
            self.people.append(Person(ident, name, tuple(credits), sources))

    def fact(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "fact", data)
        item.keys(("id", "topic", "label", "text", "sources", "reveal", "safe", "known"),
                  ("id", "topic", "text"))
        topic = item.choice("topic", sorted(_VALID_TOPICS))
        text = item.text("text", minimum=_MIN_TEXT)
        label = item.text("label", required=False)
        sources = item.sources(required=True)
        reveal = item.reveal()
        known = item.data.get("known", True)
        if known is not True and known is not False:
            item.issue("known", "must be `false` (a fact that records what is not known)")
            known = True
        if ident and topic and text:
            self.facts.append(Fact(ident, topic, text, sources, reveal, label, known))

    def link(self, file: str, data: Any) -> None:
        """``{words: [...], means: [...], safe: true}`` or with ``reveal``: what a member's
        words mean in the content's words, gated when the link itself tells the story."""
        label = f"vocabulary link {len(self.links) + 1}"
        if isinstance(data, dict) and isinstance(data.get("words"), list) and data["words"]:
            label = f"vocabulary link {data['words'][0]!r}"
        item = _Item(self, file, label, data)
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

    def aliases(self, item: _Item, item_reveal: Reveal) -> tuple[Alias, ...]:
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
            sub = _Item(self, item.file, item.label, entry, f"aliases[{n}]")
            sub.keys(("name", "reveal", "safe"), ("name",))
            name = sub.text("name")
            reveal = sub.reveal(what="a gated alias")
            if name:
                # Checked here so that a card/alias pair that can never open is reported.
                _later_or_issue(sub, "reveal", item_reveal, reveal)
                out.append(Alias(name, reveal))
        return tuple(out)

    def parts(self, item: _Item, key: str, card_reveal: Reveal, card_sources: tuple[str, ...]
              ) -> list[CardPart]:
        raw = item.data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            item.issue(key, "must be a list")
            return []
        out: list[CardPart] = []
        for n, entry in enumerate(raw):
            sub = _Item(self, item.file, item.label, entry, f"{key}[{n}]")
            part = self.one_part(sub, card_reveal, card_sources)
            if part:
                out.append(part)
        return out

    def one_part(self, sub: _Item, card_reveal: Reveal, card_sources: tuple[str, ...],
                 label: str | None = None) -> CardPart | None:
        sub.keys(("text", "reveal", "safe", "sources", "label"), ("text",))
        text = sub.text("text", minimum=_MIN_TEXT)
        reveal = sub.reveal()
        own = sub.sources(required=False)
        label = sub.text("label", required=False) or label
        if not text:
            return None
        # A part never opens before its card does.
        opens = _later_or_issue(sub, "reveal", card_reveal, reveal)
        return CardPart(text, opens, tuple(dict.fromkeys(card_sources + own)), label)

    def card(self, file: str, kind: CardKind, data: Any) -> None:
        item, ident = self.start(file, kind.value, data)
        name_key = "topic" if kind is CardKind.DIFFERENCE else "name"
        allowed = {"id", name_key, "aliases", "sources", "reveal", "safe", "parts"}
        if kind is CardKind.THEME:
            allowed.add("summary")
        if kind is CardKind.DIFFERENCE:
            allowed |= {"novel", "film"}
        item.keys(allowed, ("id", name_key))
        name = item.text(name_key)
        sources = item.sources(required=True)
        reveal = item.reveal(what=f"a {kind.noun} card")
        aliases = self.aliases(item, reveal)
        summary = None
        if kind is CardKind.THEME:
            summary = item.text("summary", minimum=_MIN_TEXT)
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
                sub = _Item(self, file, item.label, item.data[side], side)
                part = self.one_part(sub, reveal, sources, label)
                if part:
                    parts.insert(0 if side == "novel" else 1, part)
        if not parts and summary is None:
            item.issue("parts", "a card needs at least one part")
        if ident and name:
            self.cards[kind].append(
                Card(kind, ident, name, aliases, reveal, sources, tuple(parts), summary)
            )

    def prompt(self, file: str, data: Any) -> None:
        item, ident = self.start(file, "prompt", data)
        item.keys(("id", "text", "themes", "depth", "medium", "reveal", "safe"),
                  ("id", "text", "themes", "depth", "medium"))
        text = item.text("text", minimum=_MIN_TEXT)
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

    def build(self) -> Content:
        prompts_by_theme: dict[str, list[str]] = {}
        for prompt in self.prompts:
            for theme in prompt.themes:
                prompts_by_theme.setdefault(theme, []).append(prompt.id)
        cards = {
            kind: tuple(
                Card(c.kind, c.id, c.name, c.aliases, c.reveal, c.sources, c.parts, c.summary,
                     tuple(prompts_by_theme.get(c.id, ())) if kind is CardKind.THEME else ())
                for c in cards
            )
            for kind, cards in self.cards.items()
        }
        return Content(
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
