"""From news to triples: a rule-based extractor that proposes graph additions from an article.

``article`` reads the text and its header, ``language`` and ``dates`` read the language and
dates, ``gazetteer`` matches the graph's own names, ``extractor`` finds the facts, ``proposal``
turns them into statements with their evidence, and ``evaluation`` measures the result.
"""
