"""The sandbox's own app: demo data and the runsandbox command."""
