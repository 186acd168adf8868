"""Write the snapshot-shaped export files the suite imports (run from this folder with the project's
Python). The files are hand-designed so that every figure the pages show can be counted by hand;
README.md beside them lists the groups and the counts."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl

#: (group, customers, tenure in months, churned, contract, monthly charge in USD)
GROUPS = [
    ("A", 6, 1, "Yes", "Month-to-month", 30.00),
    ("B", 4, 2, "Yes", "Month-to-month", 40.00),
    ("C", 5, 2, "No", "One year", 50.00),
    ("D", 5, 24, "Yes", "One year", 80.00),
    ("E", 10, 30, "No", "Two year", 100.00),
    ("F", 4, 6, "No", "One year", 70.00),
    ("G", 2, 3, "Yes", "Month-to-month", 45.00),
]
#: Churn category and free-text reason of each churned customer, by group, in customer order.
REASONS = {
    "A": [("Competitor", "Competitor made better offer")] * 3 + [("Other", "Moved")] * 2 + [("Other", "Don't know")],
    "B": [("Price", "Price too high")] * 2 + [("Dissatisfaction", "Network reliability")] * 2,
    "D": [("Competitor", "Competitor made better offer")] * 2 + [("Other", "Deceased")]
    + [("Price", "Price too high")] * 2,
    "G": [("Dissatisfaction", "Network reliability"), ("Other", "Moved")],
}
#: NPS survey answers: (date and time, survey type, score or None, comment); no customer ids.
ANSWERS = [
    ("2026-02-03 09:12", "Order", 10, "Fast delivery, great"), ("2026-02-03 17:40", "Order", 10, ""),
    ("2026-02-10 11:00", "Order", 9, "Good"), ("2026-03-01 08:30", "Order", 8, ""),
    ("2026-03-15 14:22", "Order", 7, "Ok"), ("2026-04-02 10:05", "Order", 6, "Late parcel"),
    ("2026-04-20 16:45", "Order", 10, ""), ("2026-05-05 12:00", "Order", 3, "Wrong item"),
    ("2026-06-11 09:59", "Order", 9, ""), ("2026-07-07 13:13", "Order", 10, "Love it"),
    ("2026-02-04 10:00", "Support", 2, "Nobody answered"), ("2026-02-18 15:30", "Support", 5, ""),
    ("2026-03-09 09:00", "Support", 9, "Solved quickly"), ("2026-04-14 11:11", "Support", 4, "Slow"),
    ("2026-05-21 18:20", "Support", 0, "Terrible"), ("2026-06-30 08:08", "Support", 8, ""),
    ("2026-07-19 10:10", "Support", 6, ""), ("2026-08-25 14:00", "Support", None, "No score given"),
]


def customers() -> list[dict[str, object]]:
    rows, n = [], 0
    for group, count, tenure, churn, contract, charge in GROUPS:
        for k in range(count):
            n += 1
            rows.append({"customerID": f"{1000 + n:04d}-{group}{k:02d}XQ", "gender": "Female" if n % 2 else "Male",
                         "SeniorCitizen": 1 if n % 3 == 0 else 0, "tenure": tenure, "Contract": contract,
                         "PaperlessBilling": "Yes", "MonthlyCharges": f"{charge:.2f}",
                         "TotalCharges": f"{charge * tenure:.2f}", "Churn": churn})
    return rows


def main() -> None:
    rows = customers()
    with open("customers.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Churn status"
    sheet.append(["Customer ID", "Churn Label", "Churn Category", "Churn Reason"])
    for group, reasons in REASONS.items():
        ids = [r["customerID"] for r in rows if str(r["customerID"]).split("-")[1][0] == group]
        for customer_id, (category, reason) in zip(ids, reasons):
            sheet.append([customer_id, "Yes", category, reason])
    workbook.properties.created = workbook.properties.modified = dt.datetime(2026, 10, 31, 18, 0)
    workbook.save("churn_status.xlsx")
    with open("nps_survey.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Survey Date", "Survey Type", "Score", "Comment"])
        for when, kind, score, comment in ANSWERS:
            writer.writerow([when, kind, "" if score is None else score, comment])


if __name__ == "__main__":
    main()
