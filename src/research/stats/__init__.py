"""Statistics shared by takedowns, networks and trends: the ground floor of the analysis packages.

Every module here wraps a well-kept library's result object (statsmodels, scipy, lifelines) and
offers a ``tidy()`` that turns it into a DataFrame, instead of re-deriving a statistic by hand.
Nothing here knows what a takedown or a domain is; the analysis packages import this one, never
the other way round (and never each other).

* :mod:`research.stats.proportions` — binomial intervals (Clopper–Pearson, Wilson) and the rule
  that picks between them;
* :mod:`research.stats.bootstrap` — cluster bootstrap of a pooled proportion;
* :mod:`research.stats.shrinkage` — beta-binomial empirical Bayes (prior fit, posterior rates,
  probability of exceeding a reference rate);
* :mod:`research.stats.comparisons` — Fisher's exact and chi-square tests between groups with
  effect sizes and intervals;
* :mod:`research.stats.survival` — Kaplan–Meier, interval-censored (Turnbull) and parametric
  fits, log-rank test (lifelines).
"""
