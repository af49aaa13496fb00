"""Report templates shipped with okrbsc (see README.md here)."""
