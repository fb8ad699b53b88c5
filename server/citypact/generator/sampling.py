"""Random draws the generator needs: weighted choices, power laws, Zipf ranks, unique slugs."""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """One key drawn by weight (keys in insertion order, so the draw is deterministic)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def power_law_count(rng: random.Random, low: int, high: int, exponent: float) -> int:
    """An integer in [low, high] with P(k) proportional to k**-exponent."""
    values = range(low, high + 1)
    return rng.choices(values, weights=[k**-exponent for k in values])[0]


class ZipfSampler:
    """Draws indices 0..n-1, index i with weight 1/(rank(i)+1)**s for a random ranking."""

    def __init__(self, rng: random.Random, n: int, exponent: float) -> None:
        ranks = list(range(n))
        rng.shuffle(ranks)
        weights = [0.0] * n
        for index, rank in enumerate(ranks):
            weights[index] = 1.0 / (rank + 1) ** exponent
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.rng = rng

    def draw(self) -> int:
        """One index."""
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.total)


class Slugs:
    """Hands out unique slugs per kind, appending -2, -3, ... to repeated names."""

    def __init__(self) -> None:
        self.used: dict[str, dict[str, int]] = {}

    def unique(self, kind: str, base: str) -> str:
        """A slug for ``kind`` based on ``base``, never handed out before."""
        seen = self.used.setdefault(kind, {})
        slug = base
        while slug in seen:
            seen[base] = seen.get(base, 1) + 1
            slug = f"{base}-{seen[base]}"
        seen[slug] = 1
        return slug
