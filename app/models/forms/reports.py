"""统计报表: the five monthly reports, stored with their period and figures (6.2, 6.7, 6.12, 6.17, 6.41)."""
