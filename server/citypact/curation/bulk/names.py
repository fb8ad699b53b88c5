"""How names are compared: folded to lower-case ASCII-like keys, with qualifiers stripped."""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
)
_APOSTROPHES = re.compile(r"[’ʻʼ`´']")
_DASHES = re.compile(r"[‐‑–—-]")
_PUNCT = re.compile(r"[.,/]")
_QUALIFIER = re.compile(r"\s*\(.*?\)")


def fold(text: str) -> str:
    """A comparison key: accents and case dropped, dashes and dots as spaces.

    ``Bağcılar`` → ``bagcilar``, ``Saint-Étienne`` → ``saint etienne``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().translate(_LETTERS)
    text = _PUNCT.sub(" ", _DASHES.sub(" ", _APOSTROPHES.sub("", text)))
    return " ".join(text.split())


def base(text: str) -> str:
    """:func:`fold` of a name without its qualifiers: ``Perth (Scotland)``, ``Bath, Somerset``."""
    return fold(_QUALIFIER.sub("", text).split(",")[0])


def identity(text: str) -> str:
    """An accent-sensitive identity of a name (``Köln`` and ``Koln`` stay apart)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# Words that make a name an administrative unit's (in the languages of Wikidata's labels and of
# the lists): "Gmina Namysłów", "Präfektur Osaka", "Sigulda municipality", "Landkreis Harburg".
_ADMINISTRATIVE = re.compile(
    r"^(?:gmina|opstina|opština|obshtina|община|prafektur|präfektur|prefecture of|municipio|"
    r"municipality of|comune di|commune de|landkreis|kreis|bezirk|district of|borough of|"
    r"london borough of|city of|town of|stadt|markt|gemeinde|grad|općina|opcina|obcina|"
    r"občina|mesto|město|miasto|kommune|municipio de|concello de|regione|provincia di|"
    r"province of|county of|rajon|raion|okres|powiat)\s+"
    r"|\s+(?:municipality|municipal district|district|county|prefecture|province|region|"
    r"kommune|kommun|municipio|rayon|raion|borough|city|town|village|gemeinde|kreis|"
    r"landkreis|shi|si|gun|ku|ken|fu|to|do)$",
    re.IGNORECASE,
)


def core(text: str) -> str:
    """:func:`base` of a name without the words that make it an administrative unit's
    (``Gmina Namysłów`` → ``namyslow``); the name itself when nothing is left."""
    stripped = _ADMINISTRATIVE.sub("", text.strip())
    return base(stripped) or base(text)
