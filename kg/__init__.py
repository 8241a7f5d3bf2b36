"""kg: a knowledge-graph builder for Chinese local-government news pages.

``kg.load(DIR)`` opens a build folder from Python (``kg.loading.Build``)."""

__version__ = "0.1.0"


def load(folder):
    """A build folder (``kg build … -o DIR``) as a ``kg.loading.Build``: ``.graph`` (networkx),
    ``.tables`` / ``.posts`` … (pandas), ``.store`` (pyoxigraph), ``.rdflib`` (rdflib Dataset),
    ``.report``; each read when first used."""
    # imported here, not at the top: `import kg` (every command's start) stays free of networkx and rdflib
    from .loading import load as load_build

    return load_build(folder)
