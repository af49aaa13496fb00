"""The portfolio (SPEC 18): a group's business units pinned in units.lock, fetched with
the hardened git, read at their locked commits (cached by commit) and rolled up."""
