"""The OpenSearch index: mappings, documents built from the store, bulk writes, rebuilds."""
