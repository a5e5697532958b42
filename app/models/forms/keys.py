"""钥匙管理: key hand-overs, custody declarations and loans (6.31, 6.32, 6.39, 6.54)."""
