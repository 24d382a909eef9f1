"""The harvest framework: plugin discovery and the pipeline from records to store and index."""
