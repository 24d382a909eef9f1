"""The system tier: the whole product from the outside (browser, load, a cluster,
faults, API contract fuzzing, the privacy sweep), on the same real services as the
integration tier."""
