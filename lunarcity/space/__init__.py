"""The space side: the satellites, the trip, the shot and the Earth ledger (the thesis)."""
