"""Hosting-site networks behind non-removal: who keeps reported content online, and how sites connect.

Modules, each with one job:

- :mod:`~research.networks.status` — one row per reported URL, its latest outcome (input checks);
- :mod:`~research.networks.bipartite` — content–domain graph and the sparse co-hosting projection;
- :mod:`~research.networks.layers` — domain → hosting provider → country layers;
- :mod:`~research.networks.rankings` — non-removal rates with Wilson and empirical-Bayes intervals;
- :mod:`~research.networks.communities` — seeded Louvain mirror clusters;
- :mod:`~research.networks.concentration` — top-k shares, Lorenz curve, Gini;
- :mod:`~research.networks.model` — grouped-CV calibrated classifier of non-removal;
- :mod:`~research.networks.profiles` — clustering of domains by response profile;
- :mod:`~research.networks.export` — GEXF / GraphML / node and edge tables;
- :mod:`~research.networks.build` — everything above, from one cleaned takedown log.
"""
