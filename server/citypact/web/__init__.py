"""Web: the pages people read (home, search, entity overviews, map, questions, timelines).

Each module builds one family of pages from named queries: :mod:`~citypact.web.home`,
:mod:`~citypact.web.search`, :mod:`~citypact.web.entity_sections` (places, agreements, people,
sectors), :mod:`~citypact.web.map_page` with :mod:`~citypact.web.world_map` (the SVG map),
:mod:`~citypact.web.questions`, :mod:`~citypact.web.timeline` and
:mod:`~citypact.web.network_page` (the network analyses); :mod:`~citypact.web.
page_layout` and :mod:`~citypact.web.page_queries` are their shared helpers. The routers in
:mod:`citypact.routers` put them on URLs.

Layer: may import the core modules, :mod:`citypact.store`, :mod:`citypact.network` and
:mod:`citypact.publishing`; never validation, curation, extraction, http, routers or the app.
"""
