"""Harvester plugins: one module per source type, registered in the innsyn.harvesters entry-point group."""
