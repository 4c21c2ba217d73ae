"""Complaint reports, aggregated in the database.

The package splits by sub-domain: ``periods`` (month, ISO week, custom run of days), ``queries``
(the report's SQL aggregations over an already scoped queryset), ``export`` (the same rows as
XLSX/CSV), ``snapshots`` (the scheduled monthly and weekly snapshots and their e-mail), ``jobs``
(the custom-period report built in the worker), ``views`` (the staff pages) and ``api`` with
``serializers`` (the REST endpoints). The period and the queries are re-exported here, so callers
write ``reports.Period`` and ``reports.complaint_report``; the other modules are imported by name
(``from complaints.reports import snapshots``).
"""

from .periods import Period
from .queries import category_share, complaint_report, contractor_statistics, monthly_trend

__all__ = ["Period", "category_share", "complaint_report", "contractor_statistics", "monthly_trend"]
