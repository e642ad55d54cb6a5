"""research: an open toolkit on digital sex crime trends and the removal of that content."""

__version__ = "0.1.0"
