"""``accsm-kg serve``: a read-only SPARQL 1.1 endpoint, dereferenceable IRIs, a query page.

Modules: app (startup and routing), guard (limits and security headers), sparql (the
protocol), negotiate (Accept), pool (worker processes killed at the time limit), worker
(what a worker runs), deref (resources by IRI), pages (query page, API, viz, site), assets
(the server's own files).
"""

from accsm_kg.serve.app import ServeConfig, serve

__all__ = ["ServeConfig", "serve"]
