"""Placeholder: the KPI engine's project integration lands here."""


def kpis_from_exports(root, config, metrics, diags):
    return None
