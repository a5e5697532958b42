"""投诉与回访: complaints, feedback, incidents, surveys, revisits (6.4, 6.5, 6.6, 6.42, 6.43)."""
