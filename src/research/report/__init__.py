"""The advocate report, tables for papers and per-figure download bundles, behind disclosure control."""
