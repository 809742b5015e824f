"""HTTP plumbing shared by every surface: bodies, budgets, CORS, logs, errors, negotiation, cache,
metrics."""
