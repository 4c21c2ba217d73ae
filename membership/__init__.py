"""The club (万客会): members, the append-only points ledger, referrals, events, gifts, merchants,
offers and campaigns; imports core, organization and customers, and joins buyers through the
purchase signals it connects in ``receivers`` (a top-layer app, independent of touchpoints and
surveys)."""
