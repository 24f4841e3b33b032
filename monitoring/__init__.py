"""Quarterly outcome returns, their review, tranche release and outcome dashboards."""
