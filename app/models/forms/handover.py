"""接管验收: takeover inspections, hand-over lists and defects (6.8, 6.14, 6.26, 6.30, 6.33–6.37)."""
