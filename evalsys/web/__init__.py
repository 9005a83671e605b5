"""What every page shares: templates and the base layout, security headers, form size limits,
the home page, error pages and the health check."""
