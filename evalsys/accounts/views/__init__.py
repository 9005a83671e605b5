"""The pages of accounts: logging in and out, and a person's own account."""
