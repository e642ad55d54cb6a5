"""Figures in one style; every figure carries what was counted and who counted it."""
