"""Plain services: the logic behind views and commands, tested without HTTP."""
