"""The administrator's pages: users, their roles and access, reset links, and the audit log."""
