"""okrbsc: Balanced Scorecard and OKRs as code."""

__version__ = "0.1.0"
