"""便民与公共区域: signage, courtesy loans, common-area bookings, community events (6.24, 6.47, 6.56, 6.59)."""
