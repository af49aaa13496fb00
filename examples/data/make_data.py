"""Write the example repo's CRM data: data/crm.sqlite and its export data/bookings.csv.

    python examples/data/make_data.py

The deals below are the whole of Acme's 2026-Q4 sales so far. `okrbsc pull`
reads them into two key results of okrs/2026/Q4/sales.yaml: SL1.1 (net new
ARR booked, summed from bookings.csv by DuckDB) and SL1.2 (new mid-market
logos, counted in crm.sqlite by SQLite). measures.csv, the finance team's
quarterly export of every scorecard measure, is kept by hand.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent

DEALS = [  # (customer, segment, signed_on, ARR in EUR m)
    ("Nordlager", "mid-market", "2026-10-01", 0.12),
    ("Kestrel Foods", "enterprise", "2026-10-02", 0.17),
    ("Brightbay Logistics", "mid-market", "2026-10-08", 0.18),
    ("Halden Parts", "mid-market", "2026-10-14", 0.09),
    ("Ostwind Retail", "enterprise", "2026-10-16", 0.11),
    ("Marlow & Co", "mid-market", "2026-10-22", 0.20),
    ("Tessin Cold Chain", "mid-market", "2026-10-28", 0.23),
    ("Greyfield", "enterprise", "2026-11-04", 0.15),
    ("Arcturus Supply", "enterprise", "2026-11-06", 0.12),
    ("Pellham Distribution", "mid-market", "2026-11-12", 0.18),
    ("Vantor", "mid-market", "2026-11-18", 0.21),
]


def main() -> None:
    lines = ["customer,segment,signed_on,arr_eur_m"]
    lines += [f"{c},{s},{d},{a}" for c, s, d, a in DEALS]
    (HERE / "bookings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = HERE / "crm.sqlite"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("create table deals (customer text, segment text, signed_on text, arr_eur_m real)")
    con.executemany("insert into deals values (?, ?, ?, ?)", DEALS)
    con.commit()
    con.execute("vacuum")
    con.close()


if __name__ == "__main__":
    main()
