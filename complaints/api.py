from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from core.api import ID_PATTERN, ScopedReadOnlyViewSet
from core.pagination import IdCursorPagination
from core.permissions import requires
from organization import access

from . import attachments, rules, services
from .cost_serializers import CostInput, CostLedgerSerializer, CostReverseInput
from .filters import ComplaintFilter
from .grouping_serializers import (
    ClusterLinkInput,
    ClusterSerializer,
    IssueGroupSerializer,
    UnlinkFollowsInput,
)
from .models import Complaint, ComplaintCost, Status
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadInput,
    CallbackInput,
    ComplaintCreateInput,
    ComplaintDetailSerializer,
    ComplaintEventSerializer,
    ComplaintPauseSerializer,
    ComplaintSerializer,
    DefectTypeInput,
    DuplicateDecisionInput,
    ExternalVerdictInput,
    HandoverInput,
    LinkInput,
    LowerTierInput,
    PauseApprovalInput,
    PauseInput,
    PlanInput,
    ProgressInput,
    RatingInput,
    RepairInput,
    RepairSerializer,
    ResumeInput,
    TransitionConflict,
    TransitionInput,
    WithDuplicatesSerializer,
)


def complaint_action(url_path: str | None = None):
    """A POST with a JSON body on one complaint (``complaints/{id}/<url_path>/``); the action asks
    ``organization.access`` for the complaint itself, so the permission class only wants a caller."""
    named = {"url_path": url_path, "url_name": url_path.replace("/", "-")} if url_path else {}
    return action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        parser_classes=[JSONParser],
        **named,
    )


class RecentFirstPagination(IdCursorPagination):
    ordering = ("-received_at", "-id")


class ComplaintViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Complaints (客户投诉) of the caller's companies, most recently received first."""

    # An action on one complaint asks organization.access for it (out of scope 404, not the caller's
    # to view or change 403), so its permission classes only require a signed-in caller.
    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = RecentFirstPagination

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__by", "repairs__contractor")
        return queryset

    def get_serializer_class(self):
        return ComplaintDetailSerializer if self.action == "retrieve" else ComplaintSerializer

    @extend_schema(request=ComplaintCreateInput, responses={201: WithDuplicatesSerializer})
    def create(self, request, *args, **kwargs):
        data = ComplaintCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        complaint = services.complaint_create(
            intake=services.Intake(**data.validated_data, route_to_duty_handler=True),
            received_by=request.user,
        )
        answer = WithDuplicatesSerializer(complaint, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @complaint_action()
    def transition(self, request, pk=None):
        """Move the complaint along the flow:
        received → assigned → in_progress ⇄ awaiting_customer → resolved → closed.

        To assign, send `assigned` with a `handler` (and optionally `department`, `deadline`), as the
        page's assign form does. Resolving needs the resolution summary in `note` (what was done and
        the result; the complainant reads it on the tracking page): without it 400 `summary_required`
        and nothing changes. Closing needs a `satisfied` call-back since the latest resolve, the
        complainant's confirmation, or three `unreachable` call-backs (400 `callback_required`,
        `callback_not_satisfied`); a government referral also needs the authority's `accepted`
        verdict (400 `external_verdict_required`); the basis is in the close event's `reasons`."""
        complaint = access.access_complaint(request.user, pk, "change")
        data = TransitionInput(data=request.data, context={"request": request, "complaint": complaint})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "handler" in values and complaint.status in (Status.RECEIVED, Status.ASSIGNED):
            updated = services.complaint_assign(
                complaint=complaint,
                handler=values["handler"],
                department=values.get("department", complaint.department),
                deadline=values.get("deadline", complaint.deadline),
                by=request.user,
            )
        else:
            updated = services.complaint_transition(
                complaint=complaint, status=values["status"], note=values["note"], by=request.user
            )
        return Response(ComplaintSerializer(updated).data)

    # --- Handling: the same services and errors as the complaint page's forms -----------------------
    # Each needs "change" on the complaint (403 without it, 404 outside the caller's companies);
    # lowering a tier needs the managers' "lower_tier". Bodies are JSON.

    def _act(self, pk, input_class, service, answer_class, *, may="change", created=False):
        """What every handling action does, as the page's form does it: the complaint if the caller
        ``may`` act on it so (404 outside their companies, 403 without the permission), the body
        checked by ``input_class``, ``service`` run by the caller, its result answered by
        ``answer_class``."""
        complaint = access.access_complaint(self.request.user, pk, may)
        result = service(complaint=complaint, by=self.request.user, **self._input(input_class, complaint))
        answered = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(answer_class(result).data, status=answered)

    def _input(self, serializer_class, complaint):
        data = serializer_class(
            data=self.request.data, context={"request": self.request, "complaint": complaint}
        )
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=HandoverInput, responses={200: ComplaintSerializer})
    @complaint_action()
    def handover(self, request, pk=None):
        """Hand the complaint over to another first responder (首问责任制), with a note."""
        return self._act(pk, HandoverInput, services.complaint_handover, ComplaintSerializer)

    @extend_schema(request=PlanInput, responses={201: ComplaintEventSerializer, 409: TransitionConflict})
    @complaint_action()
    def plans(self, request, pk=None):
        """The handling plan told to the complainant: measures and a deadline (409 `handled` once the
        complaint is resolved or closed; 400 `deadline_in_past`)."""
        return self._act(pk, PlanInput, services.complaint_add_plan, ComplaintEventSerializer, created=True)

    @extend_schema(request=ProgressInput, responses={201: ComplaintEventSerializer})
    @complaint_action()
    def progress(self, request, pk=None):
        """A progress update: internal unless `visible_to_complainant` is true (the default is false,
        as on the page, where telling the complainant is a box to tick)."""
        return self._act(
            pk, ProgressInput, services.complaint_add_progress, ComplaintEventSerializer, created=True
        )

    @extend_schema(request=RepairInput, responses={201: RepairSerializer})
    @complaint_action()
    def repairs(self, request, pk=None):
        """A repair (返修) attributed to the contractor or supplier responsible; a later repair marks
        the earlier ones as not fixed the first time."""
        return self._act(pk, RepairInput, services.repair_record, RepairSerializer, created=True)

    @extend_schema(request=DefectTypeInput, responses={200: ComplaintSerializer})
    @complaint_action("defect-type")
    def defect_type(self, request, pk=None):
        """Set, change or clear (null) the defect type of a construction or design complaint, with an
        event; the same type again is 400 `nothing_changed`."""
        return self._act(pk, DefectTypeInput, services.complaint_set_defect_type, ComplaintSerializer)

    @extend_schema(request=LowerTierInput, responses={200: ComplaintSerializer})
    @complaint_action("lower-tier")
    def lower_tier(self, request, pk=None):
        """A manager lowers the tier, with the reason (403 without `complaints.lower_tier`); the rule
        that raised it does not raise it again."""
        return self._act(
            pk, LowerTierInput, services.complaint_lower_tier, ComplaintSerializer, may="lower_tier"
        )

    # --- The pause of the response clock (issue 19 §2) ------------------------------------------------

    @extend_schema(request=PauseInput, responses={201: ComplaintPauseSerializer, 409: TransitionConflict})
    @complaint_action()
    def pause(self, request, pk=None):
        """Pause the response clocks (first response, the 24-hour reply, the owner update) with a
        reason and a note, optionally until a date; the escalation clock keeps running. 409
        `already_paused`, `handled`; 400 `pause_needs_approval` past 15 working days unless the
        caller is a manager, `until_in_past`."""
        return self._act(pk, PauseInput, services.complaint_pause, ComplaintPauseSerializer, created=True)

    @extend_schema(request=ResumeInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @complaint_action()
    def resume(self, request, pk=None):
        """Resume the paused response clocks, with a note (409 `not_paused`)."""
        return self._act(pk, ResumeInput, services.complaint_resume, ComplaintSerializer)

    @extend_schema(
        request=PauseApprovalInput, responses={200: ComplaintPauseSerializer, 409: TransitionConflict}
    )
    @complaint_action("pause-approval")
    def pause_approval(self, request, pk=None):
        """A manager lets the running pause last past 15 working days, to `until` (null: until someone
        resumes it). 403 without `complaints.lower_tier`; 409 `not_paused`."""
        return self._act(
            pk,
            PauseApprovalInput,
            services.complaint_approve_pause,
            ComplaintPauseSerializer,
            may="lower_tier",
        )

    @extend_schema(request=LinkInput, responses={200: ComplaintSerializer})
    @complaint_action()
    def link(self, request, pk=None):
        """Link to an earlier complaint about the same issue (同一问题): the issue group's tier rules
        are evaluated again."""
        return self._act(pk, LinkInput, services.complaint_link_same_issue, ComplaintSerializer)

    @extend_schema(request=CallbackInput, responses={201: ComplaintEventSerializer, 409: TransitionConflict})
    @complaint_action()
    def callbacks(self, request, pk=None):
        """Record a call-back (回访) of a resolved complaint (409 `not_resolved` otherwise):
        `not_satisfied` reopens it (status back to `in_progress`); `satisfied`, or a third
        `unreachable` since the latest resolve, lets it close."""
        return self._act(
            pk, CallbackInput, services.complaint_callback, ComplaintEventSerializer, created=True
        )

    @extend_schema(
        request=ExternalVerdictInput, responses={201: ComplaintEventSerializer, 409: TransitionConflict}
    )
    @complaint_action("external-verdict")
    def external_verdict(self, request, pk=None):
        """Record the authority's verdict on a resolved government referral (12345, housing bureau,
        city platform): `accepted` lets it close; `sent_back` reopens it as a redo (a second
        complaint). 409 `not_government` on other channels, `verdict_before_resolved` before it is
        resolved (a `sent_back` may also reopen a closed one)."""
        return self._act(
            pk,
            ExternalVerdictInput,
            services.complaint_external_verdict,
            ComplaintEventSerializer,
            created=True,
        )

    @extend_schema(request=RatingInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @complaint_action()
    def rating(self, request, pk=None):
        """Record the complainant's rating (1–5) of the handling, as they gave it to a call centre:
        needs "change" on the complaint, like the other handling actions, and the event names who
        recorded it. Once per complaint, after it is resolved (409 `not_handled`, `already_rated`).
        Complainants rate on their tracking page themselves."""
        return self._act(pk, RatingInput, services.complaint_rate, ComplaintSerializer)

    @extend_schema(methods=["GET"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadInput},
        responses={201: AttachmentSerializer, 409: TransitionConflict},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        permission_classes=[IsAuthenticated],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """The complaint's photos and PDFs (GET), or one more (POST, multipart/form-data with a
        ``file``): checked by content and extension together, recorded on the timeline."""
        # Adding to an existing complaint is handling it: a POST needs "change".
        complaint = access.access_complaint(
            request.user, pk, "view" if request.method in SAFE_METHODS else "change"
        )
        if request.method == "POST":
            data = AttachmentUploadInput(data=request.data)
            data.is_valid(raise_exception=True)
            (added,) = attachments.attachment_add(
                complaint=complaint, files=[data.validated_data["file"]], by=request.user
            )
            return Response(
                AttachmentSerializer(added, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        return Response(
            AttachmentSerializer(
                complaint.attachments.select_related("added_by"),
                many=True,
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as stored.")
            for content_type in rules.ATTACHMENT_EXTENSIONS
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=f"attachments/(?P<attachment_id>{ID_PATTERN})",
        url_name="attachment-download",
        permission_classes=[IsAuthenticated],
    )
    def attachment_download(self, request, pk=None, attachment_id=None):
        """One file, as stored: ``Content-Disposition: attachment``, never sniffed, sandboxed."""
        complaint = access.access_complaint(request.user, pk, "view")
        attachment = complaint.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound
        return attachments.attachment_response(attachment)

    # --- Issue groups and second complaints (services.grouping, the same as the staff pages) ---------

    @extend_schema(responses={200: ClusterSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def clusters(self, request):
        """Suggested issue groups (群诉 candidates): complaints of the last 30 days about one building
        (or one project, unit unknown) and category, from 3 or more distinct complainants, not yet one
        issue group, at least one open; the caller's companies only, most complainants first (at most
        100). Link one with ``POST clusters/link/``."""
        return Response(ClusterSerializer(services.complaint_clusters(user=request.user), many=True).data)

    @extend_schema(
        request=ClusterLinkInput,
        responses={200: IssueGroupSerializer, 409: TransitionConflict},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="clusters/link",
        url_name="clusters-link",
        parser_classes=[JSONParser],
        permission_classes=[requires(access.HANDLE_COMPLAINTS)],
    )
    def link_cluster(self, request):
        """Make the complaints one issue group (merging the groups they are in; the earliest group's
        first complaint is the root) and judge every open member again: 10 or more complainants within
        a month make each of them major. 400 ``too_few``, ``unknown_complaints`` (missing or another
        company's), ``other_company`` (two companies); 409 ``already_grouped``."""
        data = ClusterLinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        root = services.issue_group_link(complaint_ids=data.validated_data["complaints"], by=request.user)
        return Response(IssueGroupSerializer(root).data)

    @extend_schema(request=UnlinkFollowsInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @complaint_action("unlink-follows")
    def unlink_follows(self, request, pk=None):
        """It is not a second complaint after all: unlink it from the complaint it follows, with a
        reason. The "important" tier the link gave falls with it unless another rule still gives it or
        a manager set the tier. 409 ``not_following`` when it follows nothing."""
        complaint = access.access_complaint(request.user, pk, "change")
        data = UnlinkFollowsInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.complaint_unlink_follows(
            complaint=complaint, reason=data.validated_data["reason"], by=request.user
        )
        return Response(ComplaintSerializer(updated).data)

    # --- Repeat complaints (services.duplicates) --------------------------------------------------

    @extend_schema(
        request=DuplicateDecisionInput, responses={200: WithDuplicatesSerializer, 409: TransitionConflict}
    )
    @complaint_action("duplicate-decision")
    def duplicate_decision(self, request, pk=None):
        """Decide one of the complaint's `possible_duplicates`: `same_issue` joins the earlier one's
        issue group, `follow_up` links it as the (handled) earlier one's second complaint (409
        `follows_unhandled` while that one is open), `separate` keeps them apart. Each is a
        `duplicate` timeline event and the earlier one leaves the list (409 `not_a_candidate` when
        it is not, or no longer, in it). Needs "change" on the complaint."""
        complaint = access.access_complaint(request.user, pk, "change")
        values = self._input(DuplicateDecisionInput, complaint)
        updated = services.complaint_duplicate_decide(complaint=complaint, by=request.user, **values)
        return Response(WithDuplicatesSerializer(updated, context=self.get_serializer_context()).data)

    # --- The cost ledger (services.costs) ----------------------------------------------------------

    def _ledger(self, complaint):
        ledger = services.cost_ledger(complaint)
        return CostLedgerSerializer(ledger, context={"reversed_ids": ledger.reversed_ids}).data

    @extend_schema(methods=["GET"], responses={200: CostLedgerSerializer})
    @extend_schema(methods=["POST"], request=CostInput, responses={201: CostLedgerSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser],
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def costs(self, request, pk=None):
        """The complaint's cost ledger (GET: entries oldest first, and totals: `spent` = goodwill
        money + in-kind value + repair cost, `back_charged`, `recovered` = deducted back-charges,
        `net`), or one more entry (POST, "change" on the complaint: handlers and managers).
        Entries are never edited: `POST costs/{id}/reverse/` corrects one, `costs/{id}/advance/`
        moves a back-charge proposed → agreed → deducted; both are company managers' ("lower_tier")."""
        if request.method in SAFE_METHODS:
            return Response(self._ledger(access.access_complaint(request.user, pk, "view")))
        complaint = access.access_complaint(request.user, pk, "change")
        values = self._input(CostInput, complaint)
        services.cost_record(complaint=complaint, by=request.user, **values)
        return Response(self._ledger(complaint), status=status.HTTP_201_CREATED)

    def _manager_cost(self, request, pk, cost_id):
        complaint = access.access_complaint(request.user, pk, "lower_tier")
        cost = ComplaintCost.objects.filter(complaint=complaint, pk=cost_id).first()
        if cost is None:
            raise NotFound
        return complaint, cost

    @extend_schema(request=CostReverseInput, responses={201: CostLedgerSerializer, 409: TransitionConflict})
    @action(
        detail=True,
        methods=["post"],
        url_path=f"costs/(?P<cost_id>{ID_PATTERN})/reverse",
        url_name="cost-reverse",
        parser_classes=[JSONParser],
        permission_classes=[IsAuthenticated],
    )
    def cost_reverse(self, request, pk=None, cost_id=None):
        """Correct an entry by its reversal (the negative amount, with the reason); once only (409
        `already_reversed`). Company managers."""
        complaint, cost = self._manager_cost(request, pk, cost_id)
        values = self._input(CostReverseInput, complaint)
        services.cost_reverse(cost=cost, by=request.user, **values)
        return Response(self._ledger(complaint), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CostLedgerSerializer, 409: TransitionConflict})
    @action(
        detail=True,
        methods=["post"],
        url_path=f"costs/(?P<cost_id>{ID_PATTERN})/advance",
        url_name="cost-advance",
        parser_classes=[JSONParser],
        permission_classes=[IsAuthenticated],
    )
    def cost_advance(self, request, pk=None, cost_id=None):
        """Move a back-charge one step: proposed → agreed → deducted (409 `already_deducted`,
        `not_back_charge`, `already_reversed`). Company managers."""
        complaint, cost = self._manager_cost(request, pk, cost_id)
        services.back_charge_advance(cost=cost, by=request.user)
        return Response(self._ledger(complaint))
