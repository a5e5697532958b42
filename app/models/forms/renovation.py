"""装修管理: renovation application to completion, permits and undertakings (6.16, 6.18–6.23, 6.25, 6.27–6.29, 6.55, 6.57, 6.58)."""
