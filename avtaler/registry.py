"""What `avtaler` registers with the core (compliance checks, home sections, reminder scans)."""
