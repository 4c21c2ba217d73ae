"""Complaints from every channel, their tiers and clocks, and the reports; imports core,
organization and customers.

The tier table, clocks, status flow and the reading of risk signals as pure functions (``rules``
package: ``tiers``, ``risk``); intake, escalation, handling, notifications, ownership, grouping and
risk (``services`` package); scoped reads and the one list filter (``selectors``,
``filters``); attachments; the monthly and weekly reports; staff pages, the owner's public form and
tracking page, and the API.
"""
