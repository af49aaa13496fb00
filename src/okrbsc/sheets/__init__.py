"""Spreadsheets in and out (SPEC 13): the strategy as sheets, and sheets read back as rows.

* :mod:`.table`: the five sheets of an export (columns, rows, the OWASP rule).
* :mod:`.files`: writing them as a workbook or as CSV files.

Nothing here writes into the repo: rows go to :mod:`okrbsc.write.values`, the
one engine ``pull`` uses. Only ``okrbsc export`` and ``okrbsc import`` import
this package, and it imports xlsxwriter and python-calamine only when a
workbook is written or read.
"""
