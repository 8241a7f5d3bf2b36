"""kg: a knowledge-graph builder for Chinese local-government news pages."""

__version__ = "0.1.0"
