"""Import an authority's exported case list from the command line, through the same service as the
staff page (complaints.government_import): a job row with progress, chunks of 200 rows, idempotent
by the case number. ``--resume JOB`` continues a job that stopped after its last committed chunk."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from complaints import government_import
from core.exceptions import DomainError
from core.jobs import job_enqueue_on_commit
from core.models import Job
from customers.imports import UploadRejected
from organization import access
from organization.models import Company


class Command(BaseCommand):
    help = "Import an authority's exported case list (CSV or XLSX) as government-channel complaints."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The .csv or .xlsx file")
        parser.add_argument("--company", help="The company (id or name); a company user's own by default")
        parser.add_argument("--user", help="Who imports (user name): the job and the complaints are theirs")
        parser.add_argument("--resume", type=int, help="Continue this stopped import job (id)")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Leave the work to the Celery worker instead of running it here",
        )

    def handle(self, *args, file, company, user, resume, queue, **options):
        job = self._resume(resume) if resume is not None else self._start(file, company, user, queue)
        if queue:
            if resume is not None:
                job_enqueue_on_commit(job)
            self.stdout.write(_("Job %(id)s queued.") % {"id": job.pk})
            return
        government_import.government_import_run(job.pk)
        job.refresh_from_db()
        self.stdout.write(
            _(
                "Job %(id)s %(status)s: %(processed)s/%(total)s rows, created %(created)s, "
                "updated %(updated)s, rows with errors %(errors)s."
            )
            % {
                "id": job.pk,
                "status": job.get_status_display(),
                "processed": job.processed,
                "total": job.total,
                "created": job.created_count,
                "updated": job.updated_count,
                "errors": job.error_count,
            }
        )
        for error in job.errors:
            self.stdout.write(f"  {error['row']}: {'；'.join(error['errors'])}")
        if job.status == Job.Status.FAILED:
            raise CommandError(job.failure)

    def _start(self, file, company, user, queue) -> Job:
        if not file or not user:
            raise CommandError(_("Give the file and --user (or --resume with a job id)."))
        importer = get_user_model().objects.filter(username=user, is_active=True).first()
        if importer is None:
            raise CommandError(_("No active user %(name)s.") % {"name": user})
        if not importer.has_perm("complaints.add_complaint"):
            raise CommandError(_("%(name)s may not record complaints.") % {"name": user})
        requested = None
        if company:
            requested = Company.objects.filter(pk=int(company)).first() if company.isdigit() else None
            requested = requested or Company.objects.filter(name=company).first()
            if requested is None:
                raise CommandError(_("No company %(company)s.") % {"company": company})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": file})
        try:
            return government_import.government_import_start(
                user=importer,
                company=access.write_company_for(importer, requested),
                name=path.name,
                content=path.read_bytes(),
                queue=queue,
            )
        except (DomainError, UploadRejected) as error:
            raise CommandError(str(getattr(error, "message", error))) from error

    def _resume(self, job_id: int) -> Job:
        job = Job.objects.filter(pk=job_id, kind=Job.Kind.GOVERNMENT_IMPORT).first()
        if job is None:
            raise CommandError(_("No government import job %(id)s.") % {"id": job_id})
        if not government_import.government_import_resume(job=job):
            raise CommandError(_("Job %(id)s is finished or still running.") % {"id": job_id})
        return job
