from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.staff import staff_ui
from organization import access

from . import jobs, privacy, selectors, services
from .forms import (
    AccessLogFilterForm,
    CommunicationForm,
    CustomerForm,
    CustomerSearchForm,
    ImportForm,
    MergeForm,
    NewCustomerForm,
    SegmentForm,
)
from .models import AccessAction, Customer, Segment
from .timeline import timeline_for

PAGE_SIZE = 50


def _filters(form: CustomerSearchForm) -> selectors.CustomerFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.CustomerFilters(
        query=data.get("q", ""),
        project_id=data["project"].pk if data.get("project") else None,
        segment=data.get("segment", ""),
        stage=data.get("stage", ""),
        owner_phase=data.get("owner_phase", ""),
    )


@staff_ui
@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    form = CustomerSearchForm(request.GET or None, user=request.user)
    customers = selectors.customer_list(user=request.user, filters=_filters(form))
    after = form.cleaned_data.get("after") if form.is_valid() else None
    if after:
        customers = customers.filter(pk__lt=after)
    # One row more than a page tells whether there is a next page, without counting the table.
    page = list(customers[: PAGE_SIZE + 1])
    next_after = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    privacy.record_access(request, page[:PAGE_SIZE], AccessAction.LIST, full_data=False, detail="page")
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "customers/list.html",
        {
            "form": form,
            "customers": page[:PAGE_SIZE],
            "next_after": next_after,
            "query": query.urlencode(),
        },
    )


@staff_ui
@permission_required("customers.view_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_detail(request, customer_id: int):
    """The 360 page. A GET shows masked data; POST action=unmask reveals it to permitted roles."""
    access.access_customer(request.user, customer_id, "view")
    unmasked = False
    if request.method == "POST":
        if not privacy.can_see_personal_data(request.user):
            raise PermissionDenied
        unmasked = True
    customer = selectors.customer_detail(user=request.user, customer_id=customer_id)
    privacy.record_access(
        request, [customer], AccessAction.UNMASK if unmasked else AccessAction.VIEW, full_data=unmasked
    )
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "phone": privacy.shown_phone(customer, unmasked),
            "id_number": privacy.shown_id_number(customer, unmasked),
            "unmasked": unmasked,
            "can_unmask": privacy.can_see_personal_data(request.user),
            "timeline": timeline_for(customer, request.user),
            "communication_form": CommunicationForm(),
            "segment_form": SegmentForm(
                initial={
                    "segment": customer.segment if customer.segment_overridden else "",
                    "reason": customer.segment_override_reason,
                }
            ),
        },
    )


@staff_ui
@permission_required("customers.add_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = NewCustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        company = access.write_company_for(request.user, form.cleaned_data.get("company"))
        existing = Customer.objects.filter(company=company, phone=form.cleaned_data["phone"]).first()
        if existing:
            form.add_error(
                "phone",
                _("Customer %(name)s (No. %(id)s) already has this phone.")
                % {"name": existing.name, "id": existing.pk},
            )
        else:
            try:
                customer, _created = services.customer_upsert(
                    company=company,
                    phone=form.cleaned_data["phone"],
                    source=form.cleaned_data["source"],
                    profile=form.profile(),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Customer file saved."))
                return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "title": _("New customer")})


@staff_ui
@permission_required("customers.change_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_edit(request, customer_id: int):
    """The edit form shows phone and ID number masked; a permitted user may reveal them (audited)."""
    customer = access.access_customer(request.user, customer_id, "change")
    reveal = request.method == "POST" and request.POST.get("action") == "unmask"
    if reveal:
        if not privacy.can_see_personal_data(request.user):
            raise PermissionDenied
        privacy.record_access(request, [customer], AccessAction.UNMASK, full_data=True, detail="edit form")
    form = CustomerForm(
        request.POST if request.method == "POST" and not reveal else None,
        instance=customer,
        initial={"version": customer.version},
        unmasked=reveal,
    )
    if form.is_bound and form.is_valid():
        try:
            services.customer_update(
                customer=customer,
                expected_version=form.cleaned_data["version"] or 0,
                phone=form.cleaned_data["phone"],
                profile=form.profile(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Customer file saved."))
            return redirect("customer-detail", customer_id=customer.pk)
    return render(
        request,
        "customers/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": customer},
            "can_unmask": privacy.can_see_personal_data(request.user) and not reveal,
            "unmasked": reveal,
        },
    )


@staff_ui
@permission_required("customers.add_communication", raise_exception=True)
@require_POST
def communication_add(request, customer_id: int):
    customer = access.access_customer(request.user, customer_id, "view")
    form = CommunicationForm(request.POST)
    if form.is_valid():
        services.communication_log(customer=customer, staff=request.user, **form.cleaned_data)
        messages.success(request, _("Communication recorded."))
    else:
        messages.error(
            request, _("The communication was not recorded: choose a channel and write the content.")
        )
    return redirect("customer-detail", customer_id=customer.pk)


@staff_ui
@permission_required("customers.change_customer", raise_exception=True)
@require_POST
def segment_set(request, customer_id: int):
    customer = access.access_customer(request.user, customer_id, "change")
    form = SegmentForm(request.POST)
    if form.is_valid():
        try:
            services.customer_set_segment(customer=customer, **form.cleaned_data)
            messages.success(request, _("Segment saved."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("customer-detail", customer_id=customer.pk)


@staff_ui
@permission_required("customers.delete_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_merge(request):
    form = MergeForm(request.POST or request.GET or None)
    pair = None
    if form.is_bound and form.is_valid():
        visible = Customer.objects.visible_to(request.user).in_bulk(
            [form.cleaned_data["keep"], form.cleaned_data["duplicate"]]
        )
        if len(visible) != 2:
            form.add_error(None, _("Both customer numbers must be files you can see."))
        else:
            pair = (visible[form.cleaned_data["keep"]], visible[form.cleaned_data["duplicate"]])
            if request.method == "POST":
                kept = services.customers_merge(
                    keep=pair[0], duplicate=pair[1], user=request.user, ip_address=privacy.client_ip(request)
                )
                messages.success(request, _("The two files are merged."))
                return redirect("customer-detail", customer_id=kept.pk)
    return render(request, "customers/merge.html", {"form": form, "pair": pair})


@staff_ui
@permission_required("customers.view_customer", raise_exception=True)
def segment_shares(request):
    return render(
        request,
        "customers/segments.html",
        {
            "rows": selectors.segment_shares(user=request.user),
            "segments": Segment.choices,
        },
    )


def import_upload(request, *, start, template: str):
    """The upload page of an import from a file, for customers and government referrals alike: a
    valid upload starts the job (``start``, an ``*_import_start`` service) and leads to its progress
    page. ``template`` extends ``customers/import_page.html`` with the page's own texts."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = start(
            user=request.user,
            company=access.write_company_for(request.user, form.cleaned_data.get("company")),
            name=upload.name,
            content=upload.read(),
        )
        return redirect("job-detail", job_id=job.pk)
    return render(request, template, {"form": form})


@staff_ui
@permission_required("customers.import_customers", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_import(request):
    return import_upload(request, start=jobs.customer_import_start, template="customers/import.html")


@staff_ui
@permission_required("customers.export_customers", raise_exception=True)
@require_POST
def customer_export(request):
    form = CustomerSearchForm(request.POST, user=request.user)
    job = jobs.customer_export_start(
        user=request.user, filters=_filters(form), ip_address=privacy.client_ip(request)
    )
    return redirect("job-detail", job_id=job.pk)


@staff_ui
@permission_required("customers.view_accesslog", raise_exception=True)
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.access_log_list(
        username=data.get("user", ""),
        customer_id=data.get("customer"),
        action=data.get("action", ""),
        since=data.get("since"),
        until=data.get("until"),
    )
    if data.get("before"):
        entries = entries.filter(pk__lt=data["before"])
    page = list(entries[: PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "customers/access_log.html",
        {
            "form": form,
            "entries": page[:PAGE_SIZE],
            "next_before": page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None,
            "query": query.urlencode(),
        },
    )
