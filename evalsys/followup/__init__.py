"""Following participants up: personal round schedules, due lists and reminders."""
