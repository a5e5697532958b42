"""装修管理 (works): site inspections, rectification, tests, completion, resumption, hot work, extinguishers."""
