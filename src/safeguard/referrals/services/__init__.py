"""Every write of the concerns front door."""
