from django.urls import path

from . import views

urlpatterns = [
    path("club/", views.member_list, name="club-members"),
    path("club/members/<int:member_id>/", views.member_detail, name="club-member"),
    path("club/members/<int:member_id>/redeem/", views.member_redeem_gift, name="club-member-redeem"),
    path("club/members/<int:member_id>/fee-offset/", views.member_fee_offset, name="club-member-fee-offset"),
    path("club/members/<int:member_id>/correct/", views.member_correct, name="club-member-correct"),
    path("club/members/<int:member_id>/status/", views.member_status, name="club-member-status"),
    path("club/members/<int:member_id>/refer/", views.member_refer, name="club-member-refer"),
    path("club/events/", views.event_list, name="club-events"),
    path("club/events/<int:event_id>/", views.event_detail, name="club-event"),
    path("club/events/<int:event_id>/edit/", views.event_edit, name="club-event-edit"),
    path("club/events/<int:event_id>/signup/", views.event_signup, name="club-event-signup"),
    path(
        "club/events/<int:event_id>/signups/<int:signup_id>/cancel/",
        views.event_cancel,
        name="club-event-cancel",
    ),
    path(
        "club/events/<int:event_id>/signups/<int:signup_id>/attended/",
        views.event_attended,
        name="club-event-attended",
    ),
    path("club/events/<int:event_id>/call-off/", views.event_call_off, name="club-event-call-off"),
    path("club/gifts/", views.gift_list, name="club-gifts"),
    path("club/gifts/<int:gift_id>/stock/", views.gift_stock, name="club-gift-stock"),
    path("club/merchants/", views.merchant_list, name="club-merchants"),
    path("club/merchants/add/", views.merchant_add, name="club-merchant-add"),
    path("club/offers/add/", views.offer_add, name="club-offer-add"),
    path("club/codes/use/", views.code_use, name="club-code-use"),
    path("club/campaigns/", views.campaign_list, name="club-campaigns"),
    path("m/<str:token>/", views.member_page, name="member-page"),
    path("m/<str:token>/events/<int:event_id>/signup/", views.member_page_signup, name="member-page-signup"),
    path("m/<str:token>/events/<int:event_id>/cancel/", views.member_page_cancel, name="member-page-cancel"),
    path("m/<str:token>/gifts/<int:gift_id>/redeem/", views.member_page_redeem, name="member-page-redeem"),
    path("m/<str:token>/offers/<int:offer_id>/claim/", views.member_page_claim, name="member-page-claim"),
]
