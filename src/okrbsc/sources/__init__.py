"""Data sources of `okrbsc pull` (SPEC 8): connections and queries; rows out, nothing written.

The rows go to the one values engine, :mod:`okrbsc.write.values`; this package
never imports it (nor it this package): ``cli/`` wires the two.
"""
