from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Gift, Merchant, Offer


@admin.register(Gift)
class GiftAdmin(ScopedAdmin):
    """Stock and availability of gifts; redemptions go through the club pages (they spend points)."""

    list_display = ["name", "company", "points", "stock", "active"]
    list_filter = ["active"]


@admin.register(Merchant)
class MerchantAdmin(ScopedAdmin):
    list_display = ["name", "category", "company", "active"]


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    list_display = ["title", "merchant", "points", "valid_until"]
