"""From news to triples: a rule-based extractor that proposes graph additions from an article.

``article`` reads the text and its header, ``language`` and ``dates`` read the language and
dates, ``gazetteer`` matches the graph's own names, ``extractor`` finds the facts, ``proposal``
turns them into statements with their evidence, ``service`` runs the whole path for the CLI and
the /review page, and ``evaluation`` measures the result.

Layer: may import the core modules, :mod:`citypact.store`, :mod:`citypact.validation` and
:mod:`citypact.curation` (the reconciler's names and the submission path); never publishing,
web, http, routers or the app.
"""
