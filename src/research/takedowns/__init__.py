"""Takedown outcome analysis: file status, funnels with intervals, time to removal, re-emergence."""
