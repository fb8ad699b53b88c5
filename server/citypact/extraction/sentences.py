"""Splitting an article's body into sentences, keeping each sentence's span."""

from __future__ import annotations

import re
from dataclasses import dataclass

_END = re.compile(r"[.!?][”\"’']?(?=\s+[“\"‘(]?[A-Z0-9])|\n+")
_ABBREVIATIONS = (
    "dr.",
    "no.",
    "st.",
    "mr.",
    "mrs.",
    "ms.",
    "prof.",
    "h.",
    "tpr.",
    "jl.",
    "u.s.",
    "hon.",
    "h.e.",
    "pj.",
    # Malay honorifics and company forms: "YBhg. Tan Sri ...", "Y.A.B Perdana Menteri"
    "ybhg.",
    "y.bhg.",
    "yb.",
    "y.a.b.",
    "tyt.",
    "tn.",
    "hj.",
    "sdn.",
    "bhd.",
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text and its span."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences at full stops (not after common abbreviations) and at line breaks."""
    out: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end() if not m.group(0).startswith("\n") else m.start()
        words = text[start:end].rsplit(None, 1)
        if words and words[-1].lower() in _ABBREVIATIONS:
            continue
        _add(out, text, start, end)
        start = m.end()
    _add(out, text, start, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + (len(chunk) - len(chunk.lstrip()))
        out.append(Sentence(stripped, offset, offset + len(stripped)))


def sentence_start(sentences: list[Sentence], position: int) -> int:
    for s in sentences:
        if s.start <= position < s.end:
            return s.start
    return position


def sentence_end(sentences: list[Sentence], position: int) -> int:
    for s in sentences:
        if s.start < position <= s.end:
            end = s.end
            following = [t for t in sentences if t.start >= position]
            if following and following[0].start - position < 3 and end == position:
                return following[0].end
            return end
    return position
