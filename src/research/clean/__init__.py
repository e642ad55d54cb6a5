"""Cleaning: parse, normalise, reconcile and validate raw inputs; quarantine what fails."""
