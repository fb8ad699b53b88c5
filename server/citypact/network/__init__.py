"""Network: the partnership network as research data, and the analyses researchers run first.

:mod:`~citypact.network.tables` reads the graph with the named queries of ``queries/network/``
into three tables (edges: one row per partnership; nodes: one per place or local government;
panel: one per partnership per year in force), :mod:`~citypact.network.timeline` derives dates,
statuses and years in force, :mod:`~citypact.network.filters` selects a slice (country, region,
sector, type, status, years), :mod:`~citypact.network.formats` writes CSV, Parquet, GraphML,
GEXF and the CSV on the Web metadata, :mod:`~citypact.network.analyses` computes the analyses
with NetworkX under a deadline, :mod:`~citypact.network.charts` draws them as SVG with
matplotlib, and :mod:`~citypact.network.cache` keeps results per data version.

Layer: may import the core modules and :mod:`citypact.store`; never validation, curation,
publishing, web, extraction, http, routers or the app.
"""
