"""业主与入伙: owner cards, move-in receipts, owner registration (6.3, 6.38, 6.40)."""
