"""Search: the query language, query building (pure functions), running searches, and the
visibility rules shared by every public surface."""
