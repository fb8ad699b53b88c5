"""Bulk imports: lists of tens of thousands of partnerships, reconciled in memory.

The flow (``citypact import lists``, :func:`~.build.build`):

1. :mod:`.lists` reads each pinned raw input of ``data/raw/`` (Wikidata P190 pairs, Wikipedia's
   lists of twin towns) into rows, each with its line, and the rows it cannot map with a reason;
2. :mod:`.reconcile` resolves every mention to one place: the store's own places first (by
   Wikidata item, GeoNames id, then name within the country), then GeoNames (:mod:`.geonames`,
   :mod:`.countries`), linking Wikidata items to Wikipedia's names only where a tie of both
   sources confirms it; what it cannot decide it keeps apart and lists for a curator;
3. :mod:`.emit` writes the result as quads, one named graph per source with its licence, the
   store's existing nodes kept and enriched, new ones minted with stable IRIs;
4. :mod:`.build` validates the result with the shapes and writes it (files, or one store
   transaction), with :mod:`.report` saying what was new, merged, refused and left ambiguous.

Layer: part of :mod:`citypact.curation`; may import the core modules, :mod:`citypact.store`
and :mod:`citypact.validation`.
"""
