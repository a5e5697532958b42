"""The core every other layer builds on: the one clock and the column types of time."""
