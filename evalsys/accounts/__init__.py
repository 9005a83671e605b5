"""Accounts: users, passwords, authenticator codes, API tokens, login throttling, who a request
is and what it may do (the security policy), and the login and account pages."""
