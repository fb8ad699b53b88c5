"""Importing partnerships from outside sources, and the records they are read into.

The flow is the same for every source:

1. a reader turns a file into neutral records (:mod:`.records`): Wikidata twinning results
   (:mod:`.wikidata`) or a sister-city table in CSV (:mod:`.csv_table`), each with the
   problems of the rows it could not read;
2. :mod:`.reconcile` finds the places, governments, partnerships and sources the graph already
   holds (by Wikidata item, then by name and country), so nothing is described twice;
3. :mod:`.mapping` turns the records into new triples (an :class:`~.mapping.ImportPlan` with a
   summary of what is new, reused or already present);
4. :mod:`.commit` validates and stores the triples as one submission, into the local store or
   through a server's ``/api/submissions``.

The SPARQL that steps 2 and 3 run on our store lives in ``queries/importing/``.
"""
