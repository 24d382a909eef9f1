"""The harvest framework: from a source to the store, then extraction and the index.

The modules in the order a record meets them:

- ``contract`` (the ``Harvester`` base class), ``registry`` (plugins by name) and
  ``records`` (what a harvester yields);
- ``pipeline``: ``run_source`` / ``harvest`` run one source under a ``RunContext``;
  ``report`` is what the run did, ``runs`` its ``RunStatus`` and dead-run cleanup;
- ``writer``: ``StoreWriter`` writes the records in batches, with the column values of
  ``values``, and fetches files into the blob store (``files``);
- then ``innsyn.extraction`` (text of the files) and ``innsyn.indexing`` (index catch-up).
"""
