"""Harvester plugins: one module per source type.

Each registers in the ``innsyn.harvesters`` entry-point group (``pyproject.toml``). To add
one, copy ``_template.py``: its docstring gives the three steps.
"""
