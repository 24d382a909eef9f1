"""Search: the query language, query building (pure functions) and running searches.
What a hit shows is the entry's public shape (``innsyn.public.shapes``)."""
