"""Scale: the Dask engine for logs larger than memory (see ``docs/scale.md``)."""
