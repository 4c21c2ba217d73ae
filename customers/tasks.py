from celery import shared_task

from . import jobs


@shared_task(name="customers.tasks.run_customer_import")
def run_customer_import(job_id: int) -> None:
    jobs.customer_import_run(job_id)


@shared_task(name="customers.tasks.run_customer_export")
def run_customer_export(job_id: int) -> None:
    jobs.customer_export_run(job_id)
