"""清洁绿化外判: outsourced cleaning, refuse, pest control and greening checks (6.44–6.46, 6.48–6.53)."""
