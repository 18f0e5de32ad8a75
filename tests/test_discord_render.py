"""The Discord renderer on its own: any reply, however long or strange its text, becomes pages
that fit Discord's limits, and a tagged part stays behind its spoiler marks."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.adapters.discord.render import escape_spoiler, fits, pages
from bot.core.clubs import SpoilerMode
from bot.core.reply import Action, Audience, GatedPart, Kind, PartState, Reply, Visibility, Withheld
from bot.core.timeline import Reveal


def spoiler_marks(text: str) -> tuple[int, list[str]]:
    """How many `||` marks Discord would see (a backslash escapes the next character), and
    the text between each pair."""
    count, inside, current, i = 0, [], "", 0
    while i < len(text):
        if text[i] == "\\":
            current += text[i:i + 2]
            i += 2
        elif text.startswith("||", i):
            count += 1
            if count % 2 == 0:
                inside.append(current)
            current, i = "", i + 2
        else:
            current += text[i]
            i += 1
    return count, inside

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
               max_size=600)
# Long text is built by repeating a short draw (little entropy, so Hypothesis stays quick),
# including text made only of what escaping doubles.
LONG = st.one_of(
    TEXT,
    st.builds(lambda t, n: (t * n)[:10000], st.text(min_size=1, max_size=200),
              st.integers(20, 300)),
    st.builds(lambda t, n: t * n, st.text(alphabet="|\\` a", min_size=1, max_size=40),
              st.integers(60, 200)),
)


def reply(parts: list[GatedPart], fields: list[GatedPart] = (), **kw: object) -> Reply:
    defaults: dict[str, object] = dict(
        title="A title", footer=None, actions=(), visibility=Visibility.PUBLIC, kind=Kind.OK,
        withheld=None, audience=Audience(0, 0, SpoilerMode.TAG, "the club"), command="x",
        sources=())
    defaults.update(kw)
    return Reply(parts=tuple(parts), fields=tuple(fields), **defaults)  # type: ignore[arg-type]


def part(text: str, tagged: bool, label: str | None = None) -> GatedPart:
    if tagged:
        return GatedPart(text, None, PartState.TAG, Reveal(novel=7),
                         opens_text="chapter 7 of the novel")
    # Shown text is ours and has no spoiler marks of its own (members' words are quoted).
    return GatedPart(text.replace("|", "/"), label, PartState.SHOW)


parts_st = st.lists(st.builds(part, LONG, st.booleans(), st.one_of(st.none(), TEXT)),
                    max_size=30)


@settings(max_examples=80, deadline=None)
@example(parts=[part("shown", False, "||")], fields=[], title=None, footer=None, sources=[])
@given(parts=parts_st, fields=st.lists(st.builds(part, TEXT, st.booleans(), TEXT), max_size=30),
       title=st.one_of(st.none(), st.text(max_size=400)),
       # A footer is the core's own text, like a shown part: no spoiler marks of its own.
       footer=st.one_of(st.none(), st.text(max_size=5000).map(lambda t: t.replace("|", "/"))),
       sources=st.lists(st.text(min_size=1, max_size=300), max_size=20))
def test_every_page_fits_discords_limits(parts: list[GatedPart], fields: list[GatedPart],
                                         title: str | None, footer: str | None,
                                         sources: list[str]) -> None:
    out = pages(reply(parts, fields, title=title, footer=footer, sources=tuple(sources),
                      withheld=Withheld(3, 7, 30, "chapter 7 of the novel or 0:30 into the film")))
    assert out
    for page in out:
        assert fits(page.embed), page.embed.to_dict()
        # A spoiler never spans two pieces of the description: every mark is closed.
        assert spoiler_marks(page.embed.description or "")[0] % 2 == 0
        # Field names do not render markdown: they are only ever labels of shown parts.
        labels = {p.label for p in fields if p.state is PartState.SHOW and p.label}
        assert {f.name for f in page.embed.fields} <= labels | {"Spoiler", "Sources", "\u200b"}
    assert [p.number for p in out] == list(range(len(out)))
    assert {p.count for p in out} == {len(out)}


@example(text="Ruth || Tommy")
@example(text="ends with a backslash \\")
@example(text="`||`")
@given(text=TEXT)
def test_a_tagged_part_cannot_close_its_spoiler_early(text: str) -> None:
    body = pages(reply([part(text, tagged=True)]))[0].embed.description or ""
    count, inside = spoiler_marks(body)
    assert count == 2, body
    assert inside == [escape_spoiler(text)]
    assert "`" not in inside[0].replace("\\`", "")


def test_escaping_keeps_pipes_and_backticks_literal() -> None:
    out = pages(reply([part("Ruth || Tommy `code` \\ end", tagged=True)]))[0].embed
    assert out.description is not None
    assert out.description.startswith("||Ruth \\|\\| Tommy \\`code\\` \\\\ end||")
    assert "opens at chapter 7 of the novel" in out.description


def test_tagged_fields_hide_their_value_and_name_only_spoiler() -> None:
    out = pages(reply([], [part("secret", tagged=True)]))[0].embed
    assert [(f.name, f.value.startswith("||secret||")) for f in out.fields] == [("Spoiler", True)]


def test_a_long_reply_is_paged_and_keeps_every_part_in_order() -> None:
    parts = [part(f"Part {n}. " + "word " * 150, tagged=n % 4 == 0) for n in range(60)]
    out = pages(reply(parts))
    assert len(out) > 1
    text = "\n".join(p.embed.description or "" for p in out)
    positions = [text.index(f"Part {n}.") for n in range(60)]
    assert positions == sorted(positions)
    assert all(p.embed.footer.text and p.embed.footer.text.startswith(f"Page {p.number + 1} of ")
               for p in out)


def test_errors_are_red_and_carry_no_audience_line() -> None:
    out = pages(reply([part("Nope.", tagged=False)], kind=Kind.ERROR,
                      visibility=Visibility.PRIVATE))[0].embed
    assert out.colour is not None and out.colour.value == 0xB04A3F
    assert out.footer.text is None


def test_buttons_never_carry_reply_text() -> None:
    """The button data is the command, not the answer; see buttons.py."""
    from bot.adapters.discord.buttons import Press

    press = Press.of(Action("Just me", "character", (("character", "ruth"),), private=True))
    assert Press.decode(press.encode()) == press
    assert Press.decode("not json") is None
    assert Press.decode('["a", 3, 1]') is None
