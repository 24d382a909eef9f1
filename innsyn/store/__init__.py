"""The store: the relational source of truth (SQLAlchemy) and the content-addressed blob store."""
