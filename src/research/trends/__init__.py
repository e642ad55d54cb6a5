"""Count trends: log-linear models with exposure, growth with intervals, breaks, forecasts, summaries.

Modules, in the order a series passes through them: :mod:`~research.trends.series` (which rows may
be modelled, bad input refused), :mod:`~research.trends.models` (Poisson / negative binomial),
:mod:`~research.trends.growth`, :mod:`~research.trends.breaks`, :mod:`~research.trends.forecast`,
:mod:`~research.trends.summary`, :mod:`~research.trends.compare` and
:mod:`~research.trends.analysis` (every series of a counts table at once).
"""
