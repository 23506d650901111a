"""cssite: turn customer-service SWOT reviews and KPIs into a multilingual handbook site."""

__version__ = "0.1.0"
