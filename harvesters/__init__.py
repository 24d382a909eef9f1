"""Harvester plugins: one module per source type.

Each registers in the ``innsyn.harvesters`` entry-point group.
"""
