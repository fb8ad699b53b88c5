"""How one article writes names: the same government or person in several forms ("Pemprov
Jabar" for Jawa Barat, "IB Rai Dharmawijaya Mantra" for Ida Bagus Rai Dharmawijaya Mantra, "(MBKS)"
after Kuching South City Council, "Shantau" once for Shantou), and whether a name stands on its
own in the text or only inside a government's name ("Friendship City")."""

from __future__ import annotations

import re

from citypact.extraction.gazetteer import Match, normalise

# How Indonesian and Malay write a government's kind before its name.
GOVERNMENT_KINDS = (
    r"Pemerintah\s+Provinsi|Pemerintah\s+Kota|Pemerintah\s+Kabupaten|Pemerintah\s+Daerah|"
    r"Pemprov|Pemkot|Pemkab|Majlis\s+Bandaraya|Majlis\s+Perbandaran|Dewan\s+Bandaraya|"
    r"Kerajaan\s+Negeri|Kabupaten|Provinsi|(?<!Wali\s)(?<!Balai\s)Kota"
)
# Two words glued by a scraper: "DenpasarWalikota".
GLUED = re.compile(r"[a-z][A-Z]")


def clean_name(name: str) -> str:
    """A name without trailing punctuation or a leading article ("The Miri" is Miri)."""
    return re.sub(r"^(?:The|A|An)\s+", "", re.sub(r"[.,;:]+$", "", name.strip()))


_ALIAS = re.compile(r"\s*\((?P<alias>[A-Z][A-Za-z0-9-]{1,15})\)")


def with_aliases(text: str, matches: list[Match]) -> list[Match]:
    """The matches and, for a government, place or organization followed by a short name in
    brackets ("Chungcheongnam-do (Chungnam)", "Kuching South City Council (MBKS)"), every
    other mention of that short name in the article."""
    out = list(matches)
    for m in matches:
        if not m.kinds & {"government", "place", "organization"}:
            continue
        alias = _ALIAS.match(text, m.end)
        if alias is None:
            continue
        name = alias.group("alias")
        for other in re.finditer(rf"(?<![\w'’]){re.escape(name)}(?![\w'’])", text):
            if other.start() == alias.start("alias"):
                continue
            if any(k.start < other.end() and other.start() < k.end for k in out):
                continue
            out.append(Match(m.entries, other.start(), other.end(), name))
    return sorted(out, key=lambda m: m.start)


def same_person(short: str, long: str) -> bool:
    """Whether ``short`` is a shorter form of the name ``long``: its last two words, and before
    them words of the longer name or their initials ("IB" for "Ida Bagus")."""
    s, full = short.split(), long.split()
    if len(s) < 2 or [w.casefold() for w in s[-2:]] != [w.casefold() for w in full[-2:]]:
        return False
    rest = full[:-2]
    i = len(rest)
    for token in reversed(s[:-2]):
        if i > 0 and token.casefold() == rest[i - 1].casefold():
            i -= 1
            continue
        k = len(token)
        if token.isupper() and k <= i and "".join(w[0] for w in rest[i - k : i]).upper() == token:
            i -= k
            continue
        return False
    return True


def fuller_name(text: str, name: str, not_part: set[str]) -> str:
    """The name as the article mostly writes it: "Pemerintah Kota Mossel" in an article that
    otherwise writes "Mossel Bay" is Mossel Bay's government (``not_part``: words, such as
    titles, that follow a name without belonging to it)."""
    pattern = rf"(?<![\w'’]){re.escape(name)}(?![\w'’])(?:[ ]+(?P<next>[A-Z][\w'’-]*))?"
    following = [m.group("next") for m in re.finditer(pattern, text)]
    bare = sum(1 for word in following if word is None)
    counts = {w: following.count(w) for w in following if w is not None}
    if counts:
        word, count = max(counts.items(), key=lambda item: item[1])
        if (
            count >= 2
            and count > bare
            and word not in _NOT_NAME_CONTINUATION
            and normalise(word) not in not_part
        ):
            return f"{name} {word}"
    return name


# Words that follow a place's name without being part of it.
_NOT_NAME_CONTINUATION = {"City", "Council", "Province", "Provinsi", "Mayor", "Governor", "The"}


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is made of the beginnings of ``full``'s words, in order, as Indonesian
    abbreviates names: "jabar" for "jawa barat", "jateng" for "jawa tengah"."""
    words = full.split()
    if len(words) < 2 or " " in short:
        return False

    def fits(rest: str, index: int) -> bool:
        if not rest:
            return index == len(words)
        if index == len(words):
            return False
        word = words[index]
        return any(
            rest.startswith(word[:size]) and fits(rest[size:], index + 1)
            for size in range(min(len(word), len(rest)), 1, -1)
        )

    return fits(short, 0)


def name_as_written(text: str, name: str) -> str:
    """The shortest beginning of ``name`` that the text also ends a name with (followed by
    anything but another capitalised word): "Nanjing Republik Rakyat Cina" → "Nanjing" when the
    article also writes "Kabupaten Nanjing sebagai"; "Jawa Barat", never "Jawa"."""
    words = name.split()
    for size in range(1, len(words) + 1):
        part = " ".join(words[:size])
        pattern = rf"(?<![\w'’-]){re.escape(part)}(?![\w'’-])(?![ ]+[A-Z])"
        if re.search(pattern, text):
            return part
    return words[0]


def spelled_otherwise(text: str, name: str) -> str | None:
    """The spelling of a one-word name that differs from it by one letter and stands alone in
    the text, if there is exactly one such spelling (a typo the article makes once)."""
    if " " in name or len(name) < 5:
        return None
    words = {w for w in re.findall(r"(?<![\w'’-])[A-Z][a-z]+(?![\w'’-])", text)}
    variants = [
        w
        for w in words
        if w != name
        and len(w) == len(name)
        and sum(a != b for a, b in zip(w, name, strict=True)) == 1
        and stands_alone(text, w)
    ]
    return variants[0] if len(variants) == 1 else None


def stands_alone(text: str, name: str) -> bool:
    """Whether ``name`` occurs in the text other than as part of a government's name
    ("Pemerintah Kota X", "X City Council")."""
    for m in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", text, re.I):
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 30]
        if not (_KIND_BEFORE.search(before) or _KIND_AFTER.match(after)):
            return True
    return False


_KIND_BEFORE = re.compile(rf"\b(?:{GOVERNMENT_KINDS})\s+$")
_KIND_AFTER = re.compile(r"\s+(?:City|Municipal|Municipality|Provincial|Metropolitan)\b", re.I)
