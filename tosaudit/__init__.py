"""tosaudit: read contract terms and show which clauses hurt the customer."""

__version__ = "0.1.0"
