"""The API of risk facts and risk signals, under ``/api/v1/complaints/{id}/``:

- ``POST facts/`` changes litigation, media, the number of complainants or outside support, with a
  note; the tier rises by the table and never falls;
- ``POST signals/{signal_id}/confirm/`` sets the fact the signal stands for;
- ``POST signals/{signal_id}/dismiss/`` records why it is wrong.

Whoever may handle complaints may do this (``organization.access.access_complaint(..., "change")``):
without the permission 403, another company's complaint 404. Registered on the same router prefix as
``ComplaintViewSet``; the signals themselves are listed in the complaint's detail.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import ID_PATTERN
from organization import access

from . import services
from .models import Complaint
from .risk_serializers import FactsInput, RiskSignalSerializer, SignalConfirmInput, SignalDismissInput
from .serializers import ComplaintSerializer, TransitionConflict

# Documented like the complaint's id: a pattern, so that clients never build a path the router cannot match.
SIGNAL_ID = OpenApiParameter(
    "signal_id", str, OpenApiParameter.PATH, pattern=f"^{ID_PATTERN}$", description="The risk signal's id."
)


class ComplaintRiskViewSet(viewsets.GenericViewSet):
    """Risk facts and risk signals of a complaint of the caller's companies."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN

    def _complaint(self, pk) -> Complaint:
        return access.access_complaint(self.request.user, pk, "change")

    def _signal(self, pk, signal_id):
        signal = self._complaint(pk).risk_signals.filter(pk=signal_id).first()
        if signal is None:
            raise Http404
        return signal

    @extend_schema(request=FactsInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @action(detail=True, methods=["post"])
    def facts(self, request, pk=None):
        """Change the risk facts of the tier table after intake; ``note`` says why. A rise to hot or
        major notifies as at intake. Closed complaints are refused (409)."""
        data = FactsInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_set_facts(
            complaint=self._complaint(pk), by=request.user, **data.validated_data
        )
        return Response(ComplaintSerializer(complaint).data)

    @extend_schema(
        request=SignalConfirmInput,
        responses={200: RiskSignalSerializer, 409: TransitionConflict},
        parameters=[SIGNAL_ID],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"signals/(?P<signal_id>{ID_PATTERN})/confirm",
        url_name="signal-confirm",
    )
    def signal_confirm(self, request, pk=None, signal_id=None):
        """Confirm a risk signal: litigation_possible/filed set litigation, media_possible sets media,
        hotline_12345 sets needs_outside_support, collective sets complainant_count (required)."""
        data = SignalConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        signal = services.risk_signal_confirm(
            signal=self._signal(pk, signal_id), by=request.user, **data.validated_data
        )
        return Response(RiskSignalSerializer(signal).data)

    @extend_schema(
        request=SignalDismissInput,
        responses={200: RiskSignalSerializer, 409: TransitionConflict},
        parameters=[SIGNAL_ID],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"signals/(?P<signal_id>{ID_PATTERN})/dismiss",
        url_name="signal-dismiss",
    )
    def signal_dismiss(self, request, pk=None, signal_id=None):
        """Dismiss a risk signal with a reason; the same words do not raise it again."""
        data = SignalDismissInput(data=request.data)
        data.is_valid(raise_exception=True)
        signal = services.risk_signal_dismiss(
            signal=self._signal(pk, signal_id), by=request.user, **data.validated_data
        )
        return Response(RiskSignalSerializer(signal).data)
