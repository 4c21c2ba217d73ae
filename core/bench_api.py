"""The HTTP bench's reference endpoints (make bench ONLY=http): the cheapest requests the full API stack
can answer (middleware, token authentication, DRF), one INSERT and one indexed SELECT, so that intake
and the complaint list can be given as a ratio to them.

Mounted under /api/v1/bench/ only when settings.BENCH_ENDPOINTS is on (vanke_crm/urls.py), never in
production; even then only a token-authenticated user who may record complaints (an integrator) gets in.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import requires
from core.throttling import ThrottledTokenAuthentication

from .models import BenchRow


class _BenchView(APIView):
    authentication_classes = [ThrottledTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated, requires("complaints.add_complaint")]


@extend_schema(exclude=True)
class BenchInsertView(_BenchView):
    def post(self, request):
        row = BenchRow.objects.create(label="bench")
        return Response({"id": row.pk}, status=201)


@extend_schema(exclude=True)
class BenchSelectView(_BenchView):
    def get(self, request, pk: int):
        row = BenchRow.objects.filter(pk=pk).values("id", "label").first()
        return Response(row or {}, status=200 if row else 404)
