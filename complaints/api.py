from core.api import ScopedReadOnlyViewSet
from core.pagination import IdCursorPagination

from .filters import ComplaintFilter
from .models import Complaint
from .serializers import ComplaintSerializer


class RecentFirstPagination(IdCursorPagination):
    ordering = ("-received_at", "-id")


class ComplaintViewSet(ScopedReadOnlyViewSet):
    """Complaints (客户投诉) of the caller's companies, most recently received first."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = RecentFirstPagination
