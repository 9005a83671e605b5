"""The participant web survey: no login, a survey link is the only key."""
