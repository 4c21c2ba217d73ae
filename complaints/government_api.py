"""The government import over the API: an integrator (or any caller who may record complaints)
posts the authority's exported list and follows the job, as the staff page does."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedRelatedField
from core.jobs import job_for
from core.models import Job
from core.permissions import requires
from customers.imports import UploadRejected
from organization import access
from organization.models import Company

from . import government_import


class GovernmentImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The authority's exported list, .csv (UTF-8 or GB18030) or .xlsx.")
    company = ScopedRelatedField(
        Company,
        required=False,
        help_text="Group-level callers name the company; others import into their own.",
    )


class GovernmentImportJob(serializers.ModelSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "status",
            "company",
            "total",
            "processed",
            "created_count",
            "updated_count",
            "error_count",
            "errors",
            "warnings",
            "failure",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_warnings(self, job) -> list[dict]:
        return job.params.get("warnings", [])


class GovernmentImportView(APIView):
    """Start an import of an authority's case list (12345, housing bureau, city platform): 202 with
    the job, which runs in the background. Idempotent by the case number."""

    permission_classes = [requires("complaints.add_complaint")]
    parser_classes = [MultiPartParser]

    @extend_schema(request=GovernmentImportInput, responses={202: GovernmentImportJob})
    def post(self, request):
        data = GovernmentImportInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            job = government_import.government_import_start(
                user=request.user,
                company=access.write_company_for(request.user, data.validated_data.get("company")),
                name=upload.name,
                content=upload.read(),
            )
        except (UploadRejected, DjangoValidationError) as rejected:
            raise serializers.ValidationError({"file": [str(rejected)]}) from None
        return Response(GovernmentImportJob(job).data, status=status.HTTP_202_ACCEPTED)


class GovernmentImportJobView(APIView):
    """A government import's progress and row errors; a job is visible to the caller who started it."""

    permission_classes = [requires("complaints.add_complaint")]

    @extend_schema(responses=GovernmentImportJob)
    def get(self, request, job_id: int):
        try:
            job = job_for(user=request.user, job_id=job_id)
        except Job.DoesNotExist:
            raise NotFound from None
        if job.kind != Job.Kind.GOVERNMENT_IMPORT:
            raise NotFound
        return Response(GovernmentImportJob(job).data)
