"""E-mail: an outbox in the database, delivered by a job through SMTP (or into a folder)."""
