from celery import shared_task

from . import government_import, services
from .reports import defects_export
from .reports import jobs as report_jobs
from .reports import snapshots as report_snapshots


@shared_task(name="complaints.tasks.escalate_due")
def escalate_due() -> int:
    """Every minute from beat: raise the tiers whose clocks have run out."""
    return services.escalate_due()


@shared_task(name="complaints.tasks.notify_risk_signals")
def notify_risk_signals() -> int:
    """Every 5 minutes from beat: tell the company's managers of risk signals undecided for a day."""
    return services.risk_signals_notify_due()


@shared_task(name="complaints.tasks.generate_report_snapshots")
def generate_report_snapshots(kind: str) -> int:
    """1st of the month 08:00 (monthly) and Monday 08:00 (weekly), Asia/Shanghai, from beat."""
    return report_snapshots.run_scheduled(kind)


@shared_task(name="complaints.tasks.run_custom_report")
def run_custom_report(job_id: int) -> None:
    report_jobs.custom_report_run(job_id)


@shared_task(name="complaints.tasks.send_defect_handbook")
def send_defect_handbook() -> int:
    """1 January, April, July and October, 08:30 Asia/Shanghai, from beat: the last quarter's
    customer defect handbook (XLSX) for the group centre, as jobs."""
    return defects_export.send_quarterly_handbook()


@shared_task(name="complaints.tasks.run_defect_handbook")
def run_defect_handbook(job_id: int) -> None:
    defects_export.handbook_run(job_id)


@shared_task(name="complaints.tasks.remind_due")
def remind_due() -> int:
    """Every minute from beat: unassigned complaints, passed plan deadlines, owners left without news."""
    return services.remind_due()


@shared_task(name="complaints.tasks.resume_due")
def resume_due() -> int:
    """Every minute from beat: resume paused response clocks whose resume date or limit has come."""
    return services.resume_due()


@shared_task(name="complaints.tasks.run_government_import")
def run_government_import(job_id: int) -> None:
    government_import.government_import_run(job_id)
