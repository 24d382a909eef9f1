"""Harvest jobs: configuration with agency scoping, leases, runs and the scheduler."""
