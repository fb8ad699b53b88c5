"""CityPact: an open linked-data knowledge graph of city diplomacy."""

__version__ = "0.1.0"
