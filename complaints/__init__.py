"""Complaints from every channel, their tiers and clocks, and the reports; imports core,
organization and customers.

The tier table, clocks and status flow as pure functions (``rules``); intake, escalation, handling
and notifications (``services`` package); scoped reads and the one list filter (``selectors``,
``filters``); attachments; the monthly and weekly reports; staff pages, the owner's public form and
tracking page, and the API.
"""
